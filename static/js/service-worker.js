/* The service worker (served as /sw.js, which sets self.LOUDONG and loads offline-store.js first).
 *
 * Offline reading: 我的包户 and 我的接单 are fetched from the network first and kept; so are the pages they
 * mark with data-offline (each household's visit form; each request's page, and on it 办结 and 问居民),
 * followed two steps deep (those again at most every 5 minutes, however often the list is opened).
 * Nothing else is kept: no other page, no page of another person or role. Each kept page remembers
 * when it was fetched and which page led to it; a page that no longer leads to it (a request
 * reassigned, a household moved) drops it. Without a network the kept page is shown with
 * data-offline-at on <body>, which offline.js turns into 「离线查看，更新于 HH:MM」.
 * Static files (hashed names in production) are kept on install and served from the cache first.
 * Offline writing: the pages queue what is typed; a background sync sends the queue when the network
 * returns (offline.js also sends it on the online event and on every page load). */
"use strict";

var ASSETS_CACHE = "loudong-assets-" + self.LOUDONG.version;
var PAGES_CACHE = "loudong-pages";
var LIST_PAGES = [/^\/c\/[^/]+\/outreach\/$/, /^\/c\/[^/]+\/requests\/mine\/$/];
var DEPTH = 2; // list → request → 办结 / 问居民
var FRESH_MS = 5 * 60 * 1000; // a page kept less than 5 minutes ago is not fetched again for its list
var FETCHED_AT = "X-Loudong-Fetched-At";
var LED_FROM = "X-Loudong-Led-From";
var DEPTH_HEADER = "X-Loudong-Depth";
var OFFLINE_LINK = /<a\b[^>]*\bdata-offline\b[^>]*>/g;
var storing = {}; // url → the promise of its storing, for offline.js's "keep" message

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS_CACHE).then(function (cache) {
    return cache.addAll(self.LOUDONG.assets);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("loudong-assets-") === 0 && name !== ASSETS_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isListPage(url) {
  return LIST_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

function pageKey(url) {
  var copy = new URL(url);
  copy.hash = "";
  return copy.href;
}

/* Keep a fetched page with when it was fetched and which page led to it; then the pages it marks. */
function keepPage(cache, url, response, from, depth) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.set(FETCHED_AT, String(Date.now()));
    headers.set(LED_FROM, from);
    headers.set(DEPTH_HEADER, String(depth));
    var kept = cache.put(url, new Response(html, { status: 200, headers: headers }));
    return kept.then(function () {
      return depth < DEPTH ? keepMarked(cache, url, html, depth + 1) : null;
    });
  });
}

function keepMarked(cache, from, html, depth) {
  var urls = [];
  (html.match(OFFLINE_LINK) || []).forEach(function (tag) {
    var href = /\bhref="([^"]+)"/.exec(tag);
    if (href) {
      var url = pageKey(new URL(href[1].replace(/&amp;/g, "&"), from));
      if (urls.indexOf(url) < 0) {
        urls.push(url);
      }
    }
  });
  return Promise.all(urls.map(function (url) {
    return cache.match(url).then(function (kept) {
      if (kept && Date.now() - Number(kept.headers.get(FETCHED_AT)) < FRESH_MS) {
        return null;
      }
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        return usable(response) ? keepPage(cache, url, response, from, depth) : null;
      }, function () { return null; });
    });
  })).then(function () { return forgetLedFrom(cache, from, urls); });
}

/* Drop the pages `from` led to before and no longer does, and the pages those led to. */
function forgetLedFrom(cache, from, still) {
  return cache.keys().then(function (requests) {
    return Promise.all(requests.map(function (request) {
      if (request.url === from || still.indexOf(request.url) >= 0) {
        return null;
      }
      return cache.match(request).then(function (response) {
        if (response && response.headers.get(LED_FROM) === from) {
          return cache.delete(request).then(function () { return forgetLedFrom(cache, request.url, []); });
        }
        return null;
      });
    }));
  });
}

function usable(response) {
  return response.ok && !response.redirected && (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function store(url, response) {
  var done = caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(url).then(function (old) {
      var from = old ? old.headers.get(LED_FROM) : url;
      return keepPage(cache, url, response, from, old ? Number(old.headers.get(DEPTH_HEADER)) : 0);
    });
  });
  storing[url] = done;
  return done;
}

/* A kept page, marked as read without a network; after 7 days without a login, nothing. */
function offlineCopy(url) {
  return LoudongStore.tooOld(Date.now()).then(function (old) {
    if (old) {
      return forgetEverything().then(function () { return null; });
    }
    return caches.match(url, { cacheName: PAGES_CACHE }).then(function (kept) {
      if (!kept) {
        return null;
      }
      return kept.text().then(function (html) {
        var at = kept.headers.get(FETCHED_AT);
        var marked = html.replace("<body", '<body data-offline-at="' + at + '"');
        return new Response(marked, { status: 200, headers: kept.headers });
      });
    });
  });
}

function forgetEverything() {
  return caches.delete(PAGES_CACHE).then(function () { return LoudongStore.clearAll(); });
}

function page(event, url) {
  var key = pageKey(url);
  return caches.match(key, { cacheName: PAGES_CACHE }).then(function (kept) {
    var wanted = isListPage(url) || Boolean(kept);
    return fetch(event.request).then(function (response) {
      if (wanted && usable(response)) {
        event.waitUntil(store(key, response.clone()));
      } else if (kept && response.status >= 400 && response.status < 500) {
        event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) { return cache.delete(key); })); // no longer theirs
      }
      return response;
    }, function (error) {
      return offlineCopy(key).then(function (copy) {
        if (copy) {
          return copy;
        }
        throw error;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (self.LOUDONG.assets.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});

/* A list page asks to be kept (offline.js): it was loaded before this worker controlled it, or is being
 * stored now; the answer, once it is kept, says how many pages the phone holds. */
self.addEventListener("message", function (event) {
  var message = event.data || {};
  var reply = event.ports[0];
  if (message.type !== "keep") {
    return;
  }
  var key = pageKey(message.url);
  var done = (storing[key] || fetch(key, { credentials: "same-origin" }).then(function (response) {
    return usable(response) ? store(key, response) : null;
  })).then(function () {
    return caches.open(PAGES_CACHE).then(function (cache) { return cache.keys(); });
  }).then(function (kept) { return { kept: kept.length }; });
  event.waitUntil(done.then(function (answer) {
    if (reply) {
      reply.postMessage(answer);
    }
  }, function () {
    if (reply) {
      reply.postMessage({ failed: true });
    }
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "loudong-upload") {
    event.waitUntil(LoudongStore.getMeta("csrf").then(LoudongStore.upload).then(function (outcome) {
      self.clients.matchAll().then(function (windows) {
        windows.forEach(function (client) { client.postMessage({ type: "uploaded", outcome: outcome }); });
      });
      if (outcome.stopped === "network") {
        throw new Error("no network yet"); // the browser tries the sync again later
      }
    }));
  }
});
