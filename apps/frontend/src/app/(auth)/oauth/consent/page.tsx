import type { Metadata } from "next";
import { Suspense } from "react";
import { ConsentForm } from "@/components/consent-form";

export const metadata: Metadata = { title: "Allow access · Todo" };

export default function ConsentPage() {
  return (
    <Suspense>
      <ConsentForm />
    </Suspense>
  );
}
