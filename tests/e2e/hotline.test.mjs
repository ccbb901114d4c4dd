// End to end, in headless Chromium against the real server: a 12345 operator's seat.
// The telephone system announces a call (signed, as it would); the console pops up by
// itself with the caller's earlier ticket; the operator finds the standard answer in the
// knowledge base and closes the call as an enquiry. A second call is filed as a ticket
// on one screen with the keyboard alone, the matter type taken from the suggestions, and
// the caller's tracking code arrives at a stand-in SMS gateway.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";

import { closeAll, launch, signInStaff, watchErrors } from "./browser.mjs";
import { fileStreetLight, startServer } from "./server.mjs";
import { startSmsGateway } from "./sms.mjs";

const SECRET = "e2e telephony secret";

let server;
let gateway;

before(async () => {
  gateway = await startSmsGateway();
  server = await startServer({
    env: { GRIDLINE_TELEPHONY_SECRET: SECRET, GRIDLINE_SMS_URL: gateway.url },
  });
});

after(async () => {
  await closeAll();
  if (server) await server.stop();
  gateway?.close();
});

/// The telephone system puts a call from `caller` through to the demo operator.
async function ring(callId, caller) {
  const body = JSON.stringify({ call_id: callId, caller, operator: "operator" });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex");
  const response = await fetch(`${server.url}/api/v1/calls`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-gridline-timestamp": String(timestamp),
      "x-gridline-signature": `v1=${signature}`,
    },
    body,
  });
  assert.equal(response.status, 201, await response.text());
}

describe("the hotline seat", () => {
  test("a call pops up, is answered from the knowledge base, and the next is filed by keyboard", async () => {
    // The caller filed before, from their phone.
    const earlier = await fileStreetLight(server, { contact_phone: "13900005555" });
    const browser = await launch();
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signInStaff(page, server, "operator", "/hotline/");
    await page.getByRole("link", { name: "热线坐席" }).click();
    await page.getByTestId("waiting").waitFor();

    // First call: an enquiry.
    await ring("e2e-call-0001", "13900005555");
    await assert.doesNotReject(page.getByTestId("caller").filter({ hasText: "13900005555" }).waitFor());
    const history = page.getByTestId("caller-ticket");
    await history.first().waitFor();
    assert.equal(await history.count(), 1);
    assert.match(await history.first().textContent(), new RegExp(earlier));
    // The caller's words go where the focus already is.
    await page.keyboard.type("楼道灯不亮，晚上上下楼看不见");
    assert.equal(await page.getByLabel("来电内容").inputValue(), "楼道灯不亮，晚上上下楼看不见");
    // Searching with an empty box searches the caller's words.
    await page.getByRole("button", { name: "查知识库" }).click();
    const entry = page.getByTestId("knowledge-entry").filter({ hasText: "楼道照明损坏" });
    await entry.waitFor();
    await entry.getByTestId("answered").click();
    await page.getByTestId("enquiry-recorded").waitFor();
    const calls = await (await page.request.get(`${server.url}/api/v1/calls`)).json();
    assert.equal(calls.calls.find((c) => c.call_id === "e2e-call-0001").handled, true);
    await page.getByRole("button", { name: "结束本次来电" }).click();
    await page.getByTestId("waiting").waitFor();

    // Second call: a new complaint, filed with the keyboard alone.
    await ring("e2e-call-0002", "13900006666");
    await page.getByTestId("caller").filter({ hasText: "13900006666" }).waitFor();
    await page.getByTestId("caller-history").getByText("该号码没有历史诉求。").waitFor();
    await page.keyboard.type("小区门口的路灯坏了，晚上很黑");
    const chip = page.getByTestId("suggested-matters").getByRole("button").first();
    await chip.waitFor();
    assert.match(await chip.textContent(), /路灯/);
    // The suggestions follow the words: Tab reaches the first, Enter takes it.
    await page.keyboard.press("Tab");
    assert.equal(await chip.evaluate((c) => c === document.activeElement), true);
    await page.keyboard.press("Enter");
    await page.getByTestId("chosen-matter").filter({ hasText: "路灯" }).waitFor();
    await page.getByLabel("地址").focus();
    await page.keyboard.type("青松路 12 号小区门口");
    await page.getByLabel("来电人姓名").focus();
    await page.keyboard.type("王先生");
    await page.keyboard.press("Control+Enter");
    const code = (await page.getByTestId("filed-code").textContent()).trim();
    assert.match(code, /^[A-Z0-9]{8}$/);
    // The caller is texted the code, and the number's tickets now hold it.
    assert.match(await gateway.textTo("13900006666"), new RegExp(`查询码 ${code}`));
    const found = await (
      await page.request.get(`${server.url}/api/v1/callers/tickets?phone=13900006666`)
    ).json();
    assert.deepEqual(
      found.tickets.map((t) => t.tracking_code),
      [code]
    );
    assert.deepEqual(errors, []);
  });
});
