/** A minimal Server-Sent Events reader over fetch, for tests. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const messages: SseMessage[] = [];
  let status = 0;
  let markEnded: () => void = () => {};
  /** Resolves when the server ends the stream (or the client aborts it). */
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const ready = fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  }).then(async (response) => {
    status = response.status;
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return markEnded();
          buffer += value;
          let end = buffer.indexOf("\n\n");
          while (end !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message: SseMessage = { event: "message", data: "" };
            let hasData = false;
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) continue;
              const [field, ...rest] = line.split(":");
              const value = rest.join(":").replace(/^ /, "");
              if (field === "id") message.id = value;
              else if (field === "event") message.event = value;
              else if (field === "data") {
                message.data += value;
                hasData = true;
              }
            }
            if (hasData) messages.push(message);
            end = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
        markEnded();
      }
    })();
  });
  return {
    messages,
    get status() {
      return status;
    },
    ready,
    ended,
    close: () => controller.abort(),
    async waitFor(count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${messages.length} of ${count} events`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
  };
}
