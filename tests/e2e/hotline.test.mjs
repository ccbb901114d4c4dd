// End to end, in headless Chromium against the real server: a 12345 operator's seat.
// The telephone system announces a call (signed, as it would); the console pops up by
// itself with the caller's earlier ticket; the operator finds the standard answer in the
// knowledge base and closes the call as an enquiry. A second call is filed as a ticket
// on one screen with the keyboard alone, the matter type taken from the suggestions, and
// the caller's tracking code arrives at a stand-in SMS gateway; a third, an enterprise's,
// is filed as a development request once its credit code checks. The knowledge base is
// kept in the same console: an admin adds, changes and removes an answer; a unit's
// handler is refused another unit's entry. The link in the caller's text opens a page
// with the ticket's status on it before any wasm has loaded, and offline afterwards.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";

import { closeAll, launch, phone, signInStaff, untilOfflineReady, watchErrors } from "./browser.mjs";
import { fileStreetLight, startServer } from "./server.mjs";
import { startSmsGateway } from "./sms.mjs";

const SECRET = "e2e telephony secret";
// The address texts link to; the test opens the links' paths on the test server.
const PUBLIC_URL = "http://gridline.test";

let server;
let gateway;
// The text the second call's caller got (its link is opened in the last test).
let filedText;
let filedCode;

before(async () => {
  gateway = await startSmsGateway();
  server = await startServer({
    env: {
      GRIDLINE_TELEPHONY_SECRET: SECRET,
      GRIDLINE_SMS_URL: gateway.url,
      GRIDLINE_PUBLIC_URL: PUBLIC_URL,
    },
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
    filedText = await gateway.textTo("13900006666");
    filedCode = code;
    assert.match(filedText, new RegExp(`查询码 ${code}`));
    const found = await (
      await page.request.get(`${server.url}/api/v1/callers/tickets?phone=13900006666`)
    ).json();
    assert.deepEqual(
      found.tickets.map((t) => t.tracking_code),
      [code]
    );

    // Third call: an enterprise's request (发展), its credit code checked.
    await page.getByRole("button", { name: "结束本次来电" }).click();
    await ring("e2e-call-0003", "13900007777");
    await page.getByTestId("caller").filter({ hasText: "13900007777" }).waitFor();
    await page.keyboard.type("园区门口路灯不亮，货车夜间进出不安全");
    await page.getByTestId("matter-picker").getByRole("button", { name: "路灯不亮" }).first().click();
    await page.getByLabel("地址").fill("高新区创业路 8 号");
    await page.getByLabel(/企业诉求/).check();
    await page.getByLabel("企业名称", { exact: true }).fill("青岛某某精密制造有限公司");
    await page.getByLabel("统一社会信用代码", { exact: true }).fill("91350100m000100y44");
    await page.keyboard.press("Control+Enter");
    const refused = page.getByTestId("call-filing").getByTestId("error-notice");
    await refused.waitFor();
    assert.match(await refused.textContent(), /credit_code|信用代码/);
    await page.getByLabel("统一社会信用代码", { exact: true }).fill("91350100m000100y43");
    await page.keyboard.press("Control+Enter");
    const enterpriseCode = (await page.getByTestId("filed-code").textContent()).trim();
    assert.match(await gateway.textTo("13900007777"), new RegExp(`查询码 ${enterpriseCode}`));
    // The one refusal above is the browser's only complaint.
    assert.deepEqual(errors.filter((e) => !e.includes("status of 422")), []);
    assert.equal(errors.length, 1);
  });

  test("admins keep the knowledge base in the console; a unit only its own entries", async () => {
    const browser = await launch();
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signInStaff(page, server, "admin", "/hotline/");
    await page.getByRole("link", { name: "解答知识库" }).click();
    await page.getByTestId("kb-entry").first().waitFor();
    const before = await page.getByTestId("kb-entry").count();

    await page.getByTestId("kb-new").click();
    const form = page.getByTestId("kb-form");
    await form.getByLabel("问题").fill("共享单车乱停放找谁");
    await form.getByLabel("标准答复").fill("共享单车由运营企业负责调度清理，可拨打车身上的客服电话。");
    await form.getByLabel(/适用事项类型编码/).fill("0201");
    await form.getByRole("button", { name: "保存" }).click();
    await form.waitFor({ state: "detached" });
    const added = page.getByTestId("kb-entry").filter({ hasText: "共享单车乱停放找谁" });
    await added.waitFor();
    assert.equal(await page.getByTestId("kb-entry").count(), before + 1);

    // An unknown matter type is refused with the field named; nothing is lost.
    await added.getByRole("button", { name: "修改" }).click();
    await form.getByLabel(/适用事项类型编码/).fill("0201, 9999");
    await form.getByRole("button", { name: "保存" }).click();
    await form.getByTestId("error-notice").waitFor();
    assert.match(await form.getByTestId("error-notice").textContent(), /matter_codes|事项/);
    await form.getByLabel(/适用事项类型编码/).fill("0201");
    await form.getByLabel("标准答复").fill("共享单车由运营企业负责调度清理，请拨打车身客服电话，或在12345反映。");
    await form.getByRole("button", { name: "保存" }).click();
    await form.waitFor({ state: "detached" });
    await page.getByTestId("kb-entry").filter({ hasText: "共享单车乱停放找谁" }).getByText("或在12345反映").waitFor({ state: "attached" });

    // Searched for, it is found (the index is rebuilt after each change).
    await page.getByRole("searchbox").fill("共享单车停放");
    await page.getByRole("button", { name: "查知识库" }).click();
    await page.getByTestId("kb-entry").filter({ hasText: "共享单车乱停放找谁" }).waitFor();
    await page.getByTestId("kb-entry").filter({ hasText: "路灯不亮找谁" }).waitFor({ state: "detached" });

    await page.getByTestId("kb-entry").filter({ hasText: "共享单车乱停放找谁" }).getByRole("button", { name: "删除" }).click();
    await page.getByRole("button", { name: "确认删除" }).click();
    await page.getByTestId("kb-entry").filter({ hasText: "共享单车乱停放找谁" }).waitFor({ state: "detached" });
    // The one refusal above is the browser's only complaint.
    assert.deepEqual(errors.filter((e) => !e.includes("status of 422")), []);
    assert.equal(errors.length, 1);

    // The handler of 城市管理局 may not change the water company's entry.
    await context.clearCookies();
    await signInStaff(page, server, "handler", "/hotline/");
    await page.goto(`${server.url}/hotline/knowledge`);
    const water = page.getByTestId("kb-entry").filter({ hasText: "U-WS" }).first();
    await water.waitFor();
    await water.getByRole("button", { name: "修改" }).click();
    await form.getByRole("button", { name: "保存" }).click();
    await form.getByTestId("error-notice").waitFor();
    await context.close();
  });

  test("the texted link shows the status before the app loads, and offline afterwards", async () => {
    assert.ok(filedText, "the second call's text (the first test)");
    const link = filedText.match(/http:\/\/gridline\.test(\/track\/[A-Z0-9]+\?k=[A-Za-z0-9_-]+)/);
    assert.ok(link, filedText);
    const page_ = `${server.url}${link[1]}`;
    const browser = await launch();
    const context = await phone(browser);
    const page = await context.newPage();
    // An old phone on a weak network: the app's wasm has not arrived (here: never does).
    // The call was filed with an address only: it waits for a dispatcher (已受理).
    await context.route("**/*.wasm", (route) => route.abort());
    await page.goto(page_);
    const painted = page.getByTestId("first-paint");
    await painted.waitFor();
    assert.match(await painted.textContent(), new RegExp(`${filedCode}[\\s\\S]*已受理[\\s\\S]*路灯不亮`));
    // The caller's name and number are not on it.
    assert.doesNotMatch(await page.content(), /13900006666|王先生/);

    // Once the app has loaded, the page is kept: offline it still shows the status.
    await context.unroute("**/*.wasm");
    await page.goto(page_);
    await untilOfflineReady(page);
    await page.reload();
    await painted.waitFor();
    await context.setOffline(true);
    await page.reload();
    await painted.waitFor();
    assert.match(await painted.textContent(), new RegExp(filedCode));
    await context.close();
  });
});
