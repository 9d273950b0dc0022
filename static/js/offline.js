/* The staff pages' side of the installable app (the service worker is service-worker.js, the phone's
 * store offline-store.js). On every staff page:
 *   - registers the service worker (where the browser has none, the pages work as before);
 *   - keeps only this account's data: another account, or a last login more than 7 days ago, clears
 *     what the phone holds first; so does 退出 (the server's Clear-Site-Data header does too);
 *   - shows 「离线查看，更新于 HH:MM」 on a page the service worker kept, and 「待上传 N 条」 with the
 *     queue and 「未能上传」 (the server's reason and what was typed, until 知道了);
 *   - the forms marked data-queue (记走访, 办结, 问居民, 接单) always go through the queue, online too: what
 *     was typed is stored with an Idempotency-Key fixed now, then sent at once unless the phone is offline.
 *     Sent, the page goes where the posted form would have (data-queue-done-next, else data-queue-next)
 *     with the server's message (data-queue-done); a lost network keeps it in 待上传 for a retry with the
 *     same key, so a signal dropping mid-send loses nothing. What the API cannot take (a need without a
 *     category, more than one photo) is posted online as a plain form, as before;
 *   - sends the queue on page load, when the network returns and (where it exists) by background sync. */
(() => {
  "use strict";

  const account = document.querySelector('meta[name="loudong-account"]');
  const store = window.LoudongStore;
  if (!account || !store || !window.indexedDB) {
    return;
  }
  const serviceWorkerUrl = document.currentScript.dataset.sw;
  const me = { id: account.content, loginAt: Number(account.dataset.loginAt) };
  const offlineAt = Number(document.body.dataset.offlineAt) || 0; // set by the service worker on kept pages
  const FLASH = "loudong-flash";
  const API = "/api/v1/";
  const PHOTO_BYTES = 300 * 1024;
  const KEEP_SECONDS = 7 * 86400;
  const main = document.querySelector("main");
  const bar = document.createElement("div");
  bar.className = "offline-bar";
  bar.setAttribute("role", "status");
  main.prepend(bar);

  const offline = () => Boolean(offlineAt) || !navigator.onLine;
  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const shanghai = (ms, options) => new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false, ...options });
  const clock = (ms) => {
    const time = shanghai(ms, { hour: "2-digit", minute: "2-digit" });
    const day = (t) => shanghai(t, { year: "numeric", month: "numeric", day: "numeric" });
    return day(ms) === day(Date.now()) ? time : `${shanghai(ms, { month: "numeric", day: "numeric" })} ${time}`;
  };
  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /* ---- what the phone holds: this account's, and nothing older than 7 days after a login ---- */

  async function forget() {
    await store.clearAll();
    if (window.caches) {
      for (const name of await caches.keys()) {
        if (name.startsWith("loudong-")) await caches.delete(name);
      }
    }
  }

  async function checkAccount() {
    if (offlineAt) return; // a kept page: the service worker has checked the 7 days already
    const kept = await store.getMeta("account");
    if (kept && (kept.id !== me.id || Date.now() / 1000 - kept.loginAt > KEEP_SECONDS)) {
      await forget();
    }
    await store.setMeta("account", me);
    await store.setMeta("csrf", csrfToken());
  }

  /* ---- the bar: offline view, stored pages, the queue and what could not be sent ---- */

  function flash({ text, tone }) {
    const list = element("ul", "messages");
    list.append(element("li", `msg-${tone}`, text));
    main.insertBefore(list, bar.nextSibling);
  }

  function typedLines(item) {
    const box = element("div", "muted");
    for (const line of item.typed) box.append(element("div", "", line));
    return box;
  }

  let lastNote = ""; // what the last upload did, shown until the page is left
  let waiting = 0; // how many wait in the queue, as last drawn (退出 asks before it drops them)

  async function drawQueue(note) {
    if (note) lastNote = note;
    note = lastNote;
    const [queued, failed] = await Promise.all([store.all("queue"), store.all("failed")]);
    waiting = queued.length;
    const old = bar.querySelector(".offline-queue");
    if (old) old.remove();
    markQueued(queued);
    if (!queued.length && !failed.length && !note) return;
    const box = element("details", "offline-queue card");
    const summary = element("summary");
    if (queued.length) summary.append(element("strong", "", `待上传 ${queued.length} 条`));
    if (failed.length) summary.append(element("strong", "failed", `未能上传 ${failed.length} 条`));
    if (note) summary.append(element("span", "muted", note));
    box.append(summary);
    if (queued.length) {
      box.append(element("p", "hint", "还没传到的，按记下的顺序上传；有网络时会自动上传，不会重复。"));
      for (const item of queued) {
        const row = element("div", "queued-item");
        row.append(element("div", "", `${item.label}（${clock(item.at)} 记下）`), typedLines(item));
        box.append(row);
      }
    }
    for (const item of failed) {
      const row = element("div", "failed-item");
      row.append(element("div", "", `${item.label}（${clock(item.at)} 记下）`));
      row.append(element("div", "reason", `未能上传：${item.reason}`), typedLines(item));
      const ok = element("button", "btn secondary", "知道了");
      ok.type = "button";
      ok.addEventListener("click", async () => {
        await store.dismiss(item.key);
        drawQueue();
      });
      row.append(ok);
      box.append(row);
    }
    if (failed.length && !queued.length) box.open = true;
    bar.append(box);
  }

  /* Pages already show what waits: 接单 buttons queued, households with a visit queued. */
  function markQueued(queued) {
    for (const item of queued) {
      if (item.kind === "accept") {
        for (const form of document.querySelectorAll(`form[data-queue="accept"][data-request="${item.ref}"]`)) {
          const button = form.querySelector("button");
          button.disabled = true;
          button.textContent = "已接单（待上传）";
        }
      } else if (item.kind === "visit") {
        const card = document.getElementById(`h${item.ref}`);
        if (card && !card.querySelector(".queued-tag")) card.append(element("span", "tag queued-tag", "走访待上传"));
      }
    }
  }

  function showOfflineView() {
    if (offlineAt) bar.append(element("p", "offline-at", `离线查看，更新于 ${clock(offlineAt)}`));
  }

  async function keepThisList() {
    if (offlineAt || !navigator.serviceWorker || !/^\/c\/[^/]+\/(outreach|requests\/mine)\/$/.test(location.pathname)) return;
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
    registration.active.postMessage({ type: "keep", url: location.href }, [channel.port2]);
    const { kept } = await answer;
    if (kept) bar.append(element("p", "hint offline-kept", "已存到手机，没有信号时也能打开和记录"));
  }

  /* ---- sending ---- */

  async function upload() {
    if (!navigator.onLine || !(await store.all("queue")).length) return drawQueue();
    return drawQueue(outcomeWords(await store.upload(csrfToken())));
  }

  function outcomeWords(outcome) {
    const notes = [];
    if (outcome.sent) notes.push(`已上传 ${outcome.sent} 条`);
    if (outcome.stopped === "login") notes.push("登录已过期，请重新登录，登录后自动上传");
    if (outcome.stopped === "server") notes.push("服务器暂时出错，稍后自动重试");
    return notes.join("；");
  }

  async function askForSync() {
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration());
    if (registration && registration.sync) {
      try {
        await registration.sync.register("loudong-upload");
      } catch (error) {
        // no background sync here: the online event and the next page send the queue
      }
    }
  }

  /* ---- queueing a form: the API call it stands for ---- */

  class Refusal extends Error {}

  const text = (data, name) => String(data.get(name) || "").trim();

  function typedOf(form) {
    const lines = [];
    const seen = new Set();
    for (const field of form.elements) {
      if (!field.name || seen.has(field.name) || field.type === "hidden" || field.closest("[hidden]")) continue;
      seen.add(field.name);
      const group = [...form.elements].filter((f) => f.name === field.name);
      const legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      const label = field.type === "radio" || field.type === "checkbox"
        ? (legend ? legend.textContent : field.name)
        : (form.querySelector(`label[for="${field.id}"]`) || { textContent: field.name }).textContent;
      let value;
      if (field.type === "radio" || field.type === "checkbox") {
        value = group.filter((f) => f.checked).map((f) => f.closest("label") ? f.closest("label").textContent.trim() : f.value).join("、");
      } else if (field.type === "file") {
        value = field.files.length ? `${field.files.length} 张照片` : "";
      } else if (field.tagName === "SELECT") {
        value = field.value ? field.selectedOptions[0].textContent : "";
      } else {
        value = field.value.trim();
      }
      if (value) lines.push(`${label.trim()}：${value}`);
    }
    return lines;
  }

  function shanghaiIso(local) {
    // <input type=datetime-local> holds Shanghai wall time, e.g. 2026-12-07T09:30
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(local) ? `${local}:00+08:00` : new Date().toISOString();
  }

  function nowForInput() {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
    }).formatToParts(new Date()).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`;
  }

  async function shrinkPhoto(file) {
    const image = new Image();
    const url = URL.createObjectURL(file);
    image.src = url;
    try {
      await image.decode();
    } catch (error) {
      throw new Refusal("这不是能识别的照片，请换一张");
    } finally {
      URL.revokeObjectURL(url);
    }
    let edge = 1600;
    let quality = 0.8;
    for (;;) {
      const scale = Math.min(1, edge / Math.max(image.naturalWidth, image.naturalHeight));
      const canvas = element("canvas");
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= PHOTO_BYTES) {
        const dataUrl = await new Promise((resolve) => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result);
          reader.readAsDataURL(blob);
        });
        return dataUrl.slice(dataUrl.indexOf(",") + 1);
      }
      if (quality > 0.5) quality -= 0.15;
      else edge = Math.round(edge * 0.75);
    }
  }

  const BUILDERS = {
    visit(form, data) {
      const household = text(data, "household");
      if (!household) throw new Refusal("请选择走访的住户。");
      const needs = text(data, "needs");
      const category = text(data, "need_category");
      if (needs && !category) throw new Refusal("没有信号时，发现的需求请选一个类别，上传后直接转为点单。");
      const met = data.get("someone_home") === "met";
      const select = form.querySelector('select[name="household"]');
      const label = select ? `走访：${select.selectedOptions[0].textContent.split(" · ")[0]}` : form.dataset.queueLabel;
      return {
        label,
        ref: household,
        url: `${API}visits`,
        body: {
          household_id: Number(household),
          outcome: met ? "met" : "not_home",
          met_resident_ids: met ? data.getAll("met").map(Number) : [],
          minutes: Number(data.get("minutes")) || 20,
          note: text(data, "note"),
          visited_at: shanghaiIso(text(data, "visited_at")),
          need: needs ? { category_code: category, description: needs } : null,
        },
      };
    },
    async resolve(form, data) {
      const resolution = text(data, "resolution");
      const reply = text(data, "reply");
      const minutes = text(data, "minutes");
      if (!resolution) throw new Refusal("请选择线上答疑还是线下跑腿");
      if (!reply) throw new Refusal("请写下答复内容或做了什么");
      if (minutes && !/^\d+$/.test(minutes)) throw new Refusal("用时请填数字");
      if (resolution === "offline" && !minutes) throw new Refusal("线下跑腿请填写用了多少分钟");
      const body = { resolution, reply };
      if (minutes) body.minutes = Number(minutes);
      const photo = form.querySelector('input[type="file"]');
      if (photo && photo.files.length > 1) throw new Refusal("没有信号时只能带一张照片，请只选一张");
      if (photo && photo.files.length) body.photo = await shrinkPhoto(photo.files[0]);
      return { body, url: `${API}requests/${form.dataset.request}/resolve` };
    },
    pause(form, data) {
      const question = text(data, "question");
      if (!question) throw new Refusal("请写下要问居民的问题");
      return { body: { question }, url: `${API}requests/${form.dataset.request}/ask` };
    },
    accept(form) {
      return { body: null, url: `${API}requests/${form.dataset.request}/accept` };
    },
  };

  async function queueForm(form) {
    const kind = form.dataset.queue;
    const built = await BUILDERS[kind](form, new FormData(form));
    const item = {
      key: crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`,
      kind,
      ref: built.ref || form.dataset.request,
      label: built.label || form.dataset.queueLabel,
      typed: typedOf(form),
      url: built.url,
      body: built.body === null ? null : JSON.stringify(built.body),
      at: Date.now(),
      account: me.id,
    };
    await store.add(item);
    return item;
  }

  /* Online, send what was just stored at once; says where it is now: sent, waiting or refused. */
  const WAITING = {
    offline: "没有信号，已存入待上传。有网络时会自动上传。",
    network: "网络不稳，没能发出，已存入待上传。有网络时会自动上传。",
    server: "服务器暂时出错，已存入待上传，稍后自动重试。",
    login: "登录已过期，已存入待上传。请重新登录，登录后自动上传。",
  };

  async function sendNow(item) {
    const outcome = offline() ? { stopped: "offline" } : await store.upload(csrfToken());
    const [queued, failed] = await Promise.all([store.all("queue"), store.all("failed")]);
    if (queued.some((q) => q.key === item.key)) {
      await askForSync();
      return { state: "waiting", text: WAITING[outcome.stopped] || WAITING.network };
    }
    return { state: failed.some((f) => f.key === item.key) ? "refused" : "sent" };
  }

  function showRefusal(form, message) {
    let list = form.querySelector(".offline-refusal");
    if (!list) {
      list = element("ul", "errorlist offline-refusal");
      list.setAttribute("role", "alert");
      form.prepend(list);
    }
    list.replaceChildren(element("li", "", message));
    list.scrollIntoView({ block: "center" });
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.dataset || !form.dataset.queue) return;
    event.preventDefault();
    let item;
    try {
      item = await queueForm(form);
    } catch (error) {
      if (error instanceof Refusal && !offline()) form.submit(); // the server's form says what is wrong
      else showRefusal(form, error instanceof Refusal ? error.message : `没能存到手机：${error.message}`);
      return;
    }
    const { state, text: waitingText } = await sendNow(item);
    const next = state === "sent" ? form.dataset.queueDoneNext || form.dataset.queueNext : form.dataset.queueNext;
    if (state === "sent") sessionStorage.setItem(FLASH, JSON.stringify({ text: form.dataset.queueDone || `已记录${item.label}。`, tone: "success" }));
    if (state === "waiting") sessionStorage.setItem(FLASH, JSON.stringify({ text: waitingText, tone: "warning" }));
    if (next) location.assign(next);
    else location.reload();
  });

  /* ---- the form as it is without a network ---- */

  function showOfflineParts() {
    for (const part of document.querySelectorAll("[data-offline-only]")) part.hidden = !offline();
  }

  function freshVisitTime() {
    // A kept form was drawn when it was fetched: the visit happens now.
    const input = document.querySelector('form[data-queue="visit"] input[name="visited_at"]');
    if (input && offlineAt) input.value = nowForInput();
  }

  /* ---- 退出: what the phone holds goes with the session ---- */

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList || !form.classList.contains("logout")) return;
    if (waiting && !window.confirm(`还有 ${waiting} 条没有上传，退出后会从手机上删除。确定退出吗？`)) {
      event.preventDefault();
      return;
    }
    forget(); // the logout's answer clears it all too (Clear-Site-Data), where the browser knows the header
  });

  /* ---- start ---- */

  async function start() {
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register(serviceWorkerUrl).catch(() => {});
    }
    showOfflineView();
    showOfflineParts();
    freshVisitTime();
    const message = sessionStorage.getItem(FLASH);
    if (message) {
      sessionStorage.removeItem(FLASH);
      flash(JSON.parse(message));
    }
    await checkAccount();
    await upload();
    keepThisList().catch(() => {});
  }

  window.addEventListener("online", () => { showOfflineParts(); upload(); });
  if (navigator.serviceWorker) {
    // The service worker's background sync sent the queue: say what it did.
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "uploaded") drawQueue(outcomeWords(event.data.outcome));
    });
  }
  window.addEventListener("offline", showOfflineParts);
  start();
})();
