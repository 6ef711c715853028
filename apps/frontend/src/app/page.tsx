"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { authApi } from "@/lib/api-client";

/** `/` sends a signed-in person to their tasks and everyone else to sign in. */
export default function Home() {
  const router = useRouter();
  useEffect(() => {
    authApi
      .getSession()
      .then((session) => router.replace(session?.user ? "/dashboard/" : "/login/"))
      .catch(() => router.replace("/login/"));
  }, [router]);
  return (
    <main id="main" className="centered">
      <p role="status" className="muted">
        Loading…
      </p>
    </main>
  );
}
