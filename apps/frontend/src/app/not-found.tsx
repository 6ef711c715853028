import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="centered">
      <div className="card">
        <h1>Page not found</h1>
        <p>
          <Link href="/dashboard/">Go to your tasks</Link>
        </p>
      </div>
    </main>
  );
}
