"use client";

import { useEffect } from "react";

/** A render error in a page: say so and offer a retry instead of a blank screen. */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="card" role="alert">
      <h1>Something went wrong on this page</h1>
      <p>{error.message}</p>
      <button type="button" className="button button-primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
