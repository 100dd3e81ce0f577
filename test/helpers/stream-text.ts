// Reads a streamed response body (the browser-mode event stream) as text,
// as far as the test needs it: readUntil waits for a piece of text and fails
// when the stream ends first; text is everything read so far.
export function streamText(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    get text(): string {
      return text;
    },
    async readUntil(needle: string): Promise<void> {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value, { stream: true });
      }
    },
  };
}
