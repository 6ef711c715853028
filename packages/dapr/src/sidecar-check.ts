import type { ReadinessCheck } from "@todo/server";

/** The sidecar's own health, reported without making the service unready: events can wait. */
export function sidecarCheck(httpPort: number): ReadinessCheck {
  return {
    name: "dapr_sidecar",
    critical: false,
    check: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${httpPort}/v1.0/healthz/outbound`, {
          signal: AbortSignal.timeout(1000),
        });
        await response.body?.cancel();
        return response.ok ? null : `sidecar answered ${response.status}`;
      } catch (error) {
        return `sidecar unreachable: ${(error as Error).message}`;
      }
    },
  };
}
