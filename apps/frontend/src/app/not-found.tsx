import Link from "next/link";
import { SiteHeader } from "@/components/app-shell";

export default function NotFound() {
  return (
    <>
      <SiteHeader />
      <main id="main" className="main" tabIndex={-1}>
        <div className="card">
          <h1>Page not found</h1>
          <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
          <p>
            <Link href="/dashboard/">Go to your tasks</Link>
          </p>
        </div>
      </main>
    </>
  );
}
