// A local stand-in for the email and SMS providers: one HTTP server on a free loopback
// port that records every POST (`/send` → emails, `/messages` → sms) and answers
// 200 {"id":"prov_<n>"}. A repeated Idempotency-Key gets the first answer again and is
// recorded once, as real providers de-duplicate retries.
import { createServer } from "node:http";

/**
 * Starts the providers. Point the worker at them with
 * `vars: { EMAIL_API_URL: url, SMS_API_URL: url }`.
 * @returns {Promise<{url: string, emails: object[], sms: object[], requests: object[], stop(): Promise<void>}>}
 */
export async function startProviders() {
  const emails = [];
  const sms = [];
  const requests = [];
  const answered = new Map();
  let next = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const record = { method: req.method, path: req.url, headers: req.headers, body };
      requests.push(record);
      const reply = (status, value) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const list = req.url === "/send" ? emails : req.url === "/messages" ? sms : undefined;
      if (req.method !== "POST" || !list) return reply(404, { error: "not found" });
      const key = req.headers["idempotency-key"];
      if (key && answered.has(`${req.url} ${key}`)) return reply(200, { id: answered.get(`${req.url} ${key}`) });
      const id = `prov_${++next}`;
      if (key) answered.set(`${req.url} ${key}`, id);
      list.push({ ...record, id });
      reply(200, { id });
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    emails,
    sms,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
