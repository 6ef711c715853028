import type { ReadinessCheck } from "@todo/server";
import { sidecarRequest } from "./sidecar-http.ts";

/** The sidecar's own health, reported without making the service unready: events can wait. */
export function sidecarCheck(httpPort: number): ReadinessCheck {
  return {
    name: "dapr_sidecar",
    critical: false,
    check: async () => {
      try {
        const response = await sidecarRequest(`http://127.0.0.1:${httpPort}/v1.0/healthz/outbound`, {
          timeoutMs: 1000,
        });
        await response.discard();
        return response.status >= 200 && response.status < 300 ? null : `sidecar answered ${response.status}`;
      } catch (error) {
        return `sidecar unreachable: ${(error as Error).message}`;
      }
    },
  };
}
