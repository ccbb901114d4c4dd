// The city's SMS gateway, standing in for end-to-end tests: a real HTTP server on a
// local port that keeps every message the Gridline server asked it to send.
import { createServer } from "node:http";

/// Starts it; `url` is what GRIDLINE_SMS_URL takes, `textTo(phone)` waits for the first
/// message to `phone` and gives its text, `close()` stops it.
export async function startSmsGateway() {
  const texts = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      texts.push(JSON.parse(body));
      response.end("{}");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/sms`,
    texts,
    async textTo(phone) {
      for (let i = 0; i < 100; i++) {
        const text = texts.find((t) => t.phone === phone);
        if (text) return text.text;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no text message to ${phone}`);
    },
    close() {
      server.close();
    },
  };
}
