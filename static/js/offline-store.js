/* What the app keeps on the phone in IndexedDB, shared by the pages (offline.js) and the service worker:
 *   queue   the visits, errands, questions and 接单 typed and not yet sent (each goes through it, online
 *           too), in the order typed, each with the Idempotency-Key fixed when it was typed, so a retry
 *           after a lost answer creates nothing twice;
 *   failed  those the server refused (409, 404, 422), with its reason, until the user has read them;
 *   meta    whose data this is, when they logged in, the CSRF token of their session.
 * upload() sends the queue in order; only the caller's own data is ever stored (offline.js clears it all
 * at logout, for another account and 7 days after the last login). */
(function (scope) {
  "use strict";

  var DB_NAME = "loudong";
  var REFUSED = [400, 404, 409, 413, 422]; // kept in 未能上传 with the server's reason
  var KEEP_DAYS = 7;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("failed", { keyPath: "key" });
        db.createObjectStore("meta");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* Run fn(stores) in one transaction; resolves with what fn returned once the transaction is done. */
  function inStores(names, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var result;
        var stores = names.map(function (name) { return tx.objectStore(name); });
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        result = fn.apply(null, stores);
      });
    });
  }

  function all(name) {
    return inStores([name], "readonly", function (store) { return store.getAll(); });
  }

  function getMeta(key) {
    return inStores(["meta"], "readonly", function (store) { return store.get(key); });
  }

  function setMeta(key, value) {
    return inStores(["meta"], "readwrite", function (store) { store.put(value, key); });
  }

  function add(item) {
    return inStores(["queue"], "readwrite", function (store) { store.add(item); });
  }

  function dismiss(key) {
    return inStores(["failed"], "readwrite", function (store) { store.delete(key); });
  }

  function removeSent(item) {
    return inStores(["queue"], "readwrite", function (store) { store.delete(item.seq); });
  }

  function moveToFailed(item, reason) {
    return inStores(["queue", "failed"], "readwrite", function (queue, failed) {
      queue.delete(item.seq);
      item.reason = reason;
      item.failedAt = Date.now();
      failed.put(item);
    });
  }

  function clearAll() {
    return inStores(["queue", "failed", "meta"], "readwrite", function (queue, failed, meta) {
      queue.clear();
      failed.clear();
      meta.clear();
    });
  }

  /* The Chinese reason of a refusal: {"detail": "..."}, or pydantic's list of field errors. */
  function reasonOf(response) {
    return response.json().then(function (body) {
      var detail = body && body.detail;
      if (typeof detail === "string") {
        return detail;
      }
      if (Array.isArray(detail)) {
        return "填写的内容有误：" + detail.map(function (d) { return d.msg || ""; }).join("；");
      }
      return "服务器拒绝了（" + response.status + "）";
    }, function () {
      return "服务器拒绝了（" + response.status + "）";
    });
  }

  /* Send the queue in order. Resolves with {sent, refused, stopped}: stopped is "network" (no network or the
   * answer was lost: the item stays and is sent again with the same key), "login" (the session has ended)
   * or "server" (a server error), null when the queue is empty. One upload at a time on this phone. */
  function upload(csrfToken) {
    var outcome = { sent: 0, refused: 0, stopped: null };
    function next(items) {
      var item = items.shift();
      if (!item) {
        return outcome;
      }
      return fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/json", "Idempotency-Key": item.key, "X-CSRFToken": csrfToken || "" },
        body: item.body
      }).then(function (response) {
        if (response.ok) {
          outcome.sent += 1;
          return removeSent(item).then(function () { return next(items); });
        }
        if (REFUSED.indexOf(response.status) >= 0) {
          outcome.refused += 1;
          return reasonOf(response).then(function (reason) { return moveToFailed(item, reason); })
            .then(function () { return next(items); });
        }
        var login = response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
        outcome.stopped = login ? "login" : "server";
        return outcome;
      }, function () {
        outcome.stopped = "network";
        return outcome;
      });
    }
    function run() {
      return all("queue").then(next);
    }
    return scope.navigator.locks ? scope.navigator.locks.request("loudong-upload", run) : run();
  }

  /* Whether the last login on this phone is more than 7 days old (the offline data must go). */
  function tooOld(now) {
    return getMeta("account").then(function (account) {
      return Boolean(account && account.loginAt && now / 1000 - account.loginAt > KEEP_DAYS * 86400);
    });
  }

  scope.LoudongStore = {
    add: add,
    all: all,
    clearAll: clearAll,
    dismiss: dismiss,
    getMeta: getMeta,
    setMeta: setMeta,
    tooOld: tooOld,
    upload: upload
  };
})(self);
