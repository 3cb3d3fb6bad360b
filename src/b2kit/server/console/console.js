// The b2kit server console: reads /_b2kit/state, /_b2kit/faults and /_b2kit/requests with the master key
// (HTTP Basic, kept in sessionStorage for this tab) and shows them. Download links come from
// b2_get_download_authorization, as a real application would make them. No framework, no build step.
"use strict";

(function () {
  const KEY_STORE = "b2kit-console-key";
  const PAGE_SIZE = 200;
  const $ = (selector, root) => (root || document).querySelector(selector);
  let creds = null; // {keyId, key}
  let account = null; // {apiUrl, downloadUrl, token}
  let buckets = [];
  let view = { bucket: null, prefix: "", files: [], next: null };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells, className) {
    const tr = el("tr", null, className);
    for (const cell of cells) {
      const td = cell instanceof Node ? el("td") : el("td", cell);
      if (cell instanceof Node) td.appendChild(cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function fill(section, rows) {
    const body = $("#" + section + " tbody");
    body.replaceChildren(...rows);
    const empty = $("#" + section + " .empty");
    if (empty) empty.hidden = rows.length > 0;
  }

  const when = (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "");
  const size = (n) => (n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB");
  const info = (object) => Object.entries(object || {}).map(([k, v]) => k + "=" + v).join(", ");
  const encodeName = (name) => encodeURIComponent(name).replace(/%2F/g, "/");

  function basic() {
    return "Basic " + btoa(unescape(encodeURIComponent(creds.keyId + ":" + creds.key)));
  }

  async function answer(response) {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.message || response.status + " " + response.statusText);
    return body;
  }

  const helper = (path) => fetch("/_b2kit/" + path, { headers: { Authorization: basic() } }).then(answer);

  function b2(name, params) {
    return fetch(account.apiUrl + "/b2api/v2/" + name, {
      method: "POST",
      headers: { Authorization: account.token },
      body: JSON.stringify(params),
    }).then(answer);
  }

  async function signIn() {
    const auth = await fetch("/b2api/v2/b2_authorize_account", { headers: { Authorization: basic() } }).then(answer);
    account = { apiUrl: auth.apiUrl, downloadUrl: auth.downloadUrl, token: auth.authorizationToken };
    await helper("state?maxFileCount=0"); // the helpers need the master key: say so now, not later
    $("#where").textContent = location.host + "  ·  account " + auth.accountId + "  ·  key " + creds.keyId;
  }

  function showLogin(message) {
    $("#login").hidden = false;
    $("#console").hidden = true;
    $("#refresh").hidden = $("#logout").hidden = true;
    $("#login-error").textContent = message || "";
  }

  function credentialsFromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get("keyId") && params.get("key")) {
      sessionStorage.setItem(KEY_STORE, JSON.stringify({ keyId: params.get("keyId"), key: params.get("key") }));
      history.replaceState(null, "", location.pathname + location.search); // no key left in the address bar
    }
    const stored = sessionStorage.getItem(KEY_STORE);
    return stored ? JSON.parse(stored) : null;
  }

  async function start() {
    creds = credentialsFromHash();
    if (!creds) return showLogin();
    try {
      await signIn();
    } catch (error) {
      sessionStorage.removeItem(KEY_STORE);
      return showLogin("Sign-in failed: " + error.message);
    }
    $("#login").hidden = true;
    $("#console").hidden = false;
    $("#refresh").hidden = $("#logout").hidden = false;
    await refresh();
  }

  async function refresh() {
    $("#error").textContent = "";
    try {
      const [state, faults, requests] = await Promise.all([
        helper("state?maxFileCount=0"),
        helper("faults"),
        helper("requests?limit=50"),
      ]);
      buckets = state.buckets;
      showBuckets();
      showUnfinished(state.unfinishedLargeFiles);
      showKeys(state.keys);
      showFaults(faults.rules);
      showRequests(requests.requests);
      const chosen = view.bucket && buckets.find((b) => b.bucketName === view.bucket.bucketName);
      if (chosen) await openFolder(chosen, view.prefix);
    } catch (error) {
      $("#error").textContent = "Could not load the server state: " + error.message;
    }
  }

  function bucketName(bucketId) {
    const found = buckets.find((b) => b.bucketId === bucketId);
    return found ? found.bucketName : bucketId;
  }

  function showBuckets() {
    fill("buckets", buckets.map((bucket) => {
      const link = el("a", bucket.bucketName, "bucket");
      link.href = "#";
      link.addEventListener("click", (event) => { event.preventDefault(); openFolder(bucket, ""); });
      const selected = view.bucket && view.bucket.bucketName === bucket.bucketName;
      return row([link, bucket.bucketType, el("span", bucket.bucketId, "mono"), info(bucket.bucketInfo)],
        selected ? "selected" : "");
    }));
  }

  async function openFolder(bucket, prefix) {
    view = { bucket, prefix, files: [], next: null };
    showBuckets();
    await loadFiles();
  }

  async function loadFiles() {
    const { bucket, prefix } = view;
    let query = "state?bucketName=" + encodeURIComponent(bucket.bucketName) + "&prefix=" + encodeURIComponent(prefix) +
      "&maxFileCount=" + PAGE_SIZE;
    if (view.next) query += "&startFileName=" + encodeURIComponent(view.next.fileName) + "&startFileId=" +
      encodeURIComponent(view.next.fileId);
    try {
      const [page, download] = await Promise.all([helper(query), downloadToken(bucket, prefix)]);
      view.files = view.files.concat(page.files);
      view.next = page.nextFileName ? { fileName: page.nextFileName, fileId: page.nextFileId } : null;
      showFiles(download);
    } catch (error) {
      $("#error").textContent = "Could not list " + bucket.bucketName + ": " + error.message;
    }
  }

  async function downloadToken(bucket, prefix) {
    const granted = await b2("b2_get_download_authorization", {
      bucketId: bucket.bucketId, fileNamePrefix: prefix, validDurationInSeconds: 3600,
    });
    return granted.authorizationToken;
  }

  function crumbs(bucket, prefix) {
    const span = el("span");
    const parts = prefix.split("/").filter((part) => part);
    const links = [[bucket.bucketName, ""]].concat(parts.map((part, i) => [part, parts.slice(0, i + 1).join("/") + "/"]));
    links.forEach(([label, target], i) => {
      if (i > 0) span.appendChild(el("span", " / "));
      const link = el("a", label, "crumb");
      link.href = "#";
      link.addEventListener("click", (event) => { event.preventDefault(); openFolder(bucket, target); });
      span.appendChild(link);
    });
    return span;
  }

  function showFiles(download) {
    const { bucket, prefix, files } = view;
    $("#files-hint").hidden = true;
    $("#path").replaceChildren(el("span", "in "), crumbs(bucket, prefix));
    const folders = new Set();
    const seen = new Set();
    const rows = [];
    for (const file of files) {
      const rest = file.fileName.slice(prefix.length);
      if (rest.includes("/")) {
        folders.add(prefix + rest.split("/")[0] + "/");
        continue;
      }
      const latest = !seen.has(file.fileName);
      seen.add(file.fileName);
      let link = "";
      if (latest && file.action === "upload") {
        link = el("a", "download");
        link.href = account.downloadUrl + "/file/" + encodeName(bucket.bucketName) + "/" + encodeName(file.fileName) +
          "?Authorization=" + encodeURIComponent(download);
        link.setAttribute("download", rest);
      }
      const action = file.action === "hide" ? "hide marker" : latest ? "upload" : "upload (older version)";
      rows.push(row([rest, action, file.action === "hide" ? "" : size(file.contentLength),
        el("span", file.action === "hide" ? "" : file.contentSha1, "sha1"), file.contentType || "",
        info(file.fileInfo), when(file.uploadTimestamp), el("span", file.fileId, "mono"), link],
        file.action === "hide" ? "hide" : latest ? "" : "older"));
    }
    $("#folders").replaceChildren(...[...folders].map((folder) => {
      const item = el("li");
      const link = el("a", "▸ " + folder.slice(prefix.length), "folder");
      link.href = "#";
      link.addEventListener("click", (event) => { event.preventDefault(); openFolder(bucket, folder); });
      item.appendChild(link);
      return item;
    }));
    $("#files table").hidden = rows.length === 0;
    $("#files tbody").replaceChildren(...rows);
    $("#more-files").hidden = !view.next;
    if (!rows.length && !folders.size) {
      $("#files-hint").hidden = false;
      $("#files-hint").textContent = "No files here.";
    }
  }

  function showUnfinished(unfinished) {
    const list = $("#unfinished .list");
    list.replaceChildren(...unfinished.map((file) => {
      const box = el("div");
      box.appendChild(el("p", file.fileName + " in " + bucketName(file.bucketId) + ", started " +
        when(file.uploadTimestamp) + ", " + file.parts.length + " part(s), file id " + file.fileId));
      const table = el("table", null, "parts");
      table.appendChild(row(["Part", "Size", "SHA-1", "Uploaded"].map((h) => el("b", h))));
      for (const part of file.parts) {
        table.appendChild(row([part.partNumber, size(part.contentLength), el("span", part.contentSha1, "sha1"),
          when(part.uploadTimestamp)]));
      }
      box.appendChild(table);
      return box;
    }));
    $("#unfinished .empty").hidden = unfinished.length > 0;
  }

  function showKeys(keys) {
    fill("keys", keys.map((key) => row([el("span", key.applicationKeyId, "mono"), key.keyName,
      key.capabilities.join(", "), (key.bucketIds || []).map(bucketName).join(", ") || "all buckets",
      key.namePrefix || "", key.expirationTimestamp ? when(key.expirationTimestamp) : "never"])));
  }

  function showFaults(rules) {
    fill("faults", rules.map((rule) => {
      const details = Object.entries(rule).filter(([name, value]) =>
        !["ruleId", "endpoint", "fault", "remaining", "times"].includes(name) && value !== null && value !== 0)
        .map(([name, value]) => name + "=" + value).join(", ");
      return row([rule.endpoint, rule.fault, rule.remaining + " of " + rule.times, details]);
    }));
  }

  function showRequests(requests) {
    fill("requests", requests.slice().reverse().map((r) => {
      const where = r.bucketName || r.fileName ? (r.bucketName || "?") + "/" + (r.fileName || "") : "";
      const status = el("span", r.code ? r.status + " " + r.code : r.status, r.status >= 400 ? "status-error" : "");
      return row([r.time.replace("T", " ").replace("Z", ""), r.method, r.endpoint, where, status, r.bytesIn,
        r.bytesOut, r.milliseconds]);
    }));
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#login-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY_STORE, JSON.stringify({ keyId: $("#login-key-id").value.trim(), key: $("#login-key").value }));
      start();
    });
    $("#refresh").addEventListener("click", refresh);
    $("#logout").addEventListener("click", () => { sessionStorage.removeItem(KEY_STORE); creds = null; showLogin(); });
    $("#more-files").addEventListener("click", loadFiles);
    start();
  });
})();
