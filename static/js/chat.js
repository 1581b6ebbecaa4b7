// The live conversation: one socket per user. It connects to /ws/chat/?after=<last event seen>,
// so the server first sends what was missed (until "resumed"), then live events, never an id
// twice nor a lower one after a higher. After a disconnection it reconnects with back-off (a
// server that is briefly unable to serve closes with 4013, "try again later") and resumes the
// same way. Messages are placed by id, whatever the order they are shown in; one still being
// sent stays at the bottom until the server acknowledges it. Sending uses a client key, so a
// retry never doubles a message. Without this script (or WebSockets) the plain form still works.
(function () {
  "use strict";
  var root = document.querySelector("[data-chat]");
  if (!root || !window.WebSocket) return;
  var conversation = Number(root.dataset.conversation);
  var me = Number(root.dataset.me);
  var list = root.querySelector("[data-messages]");
  var form = root.querySelector("[data-chat-form]");
  var field = form.querySelector("textarea");
  var status = root.querySelector("[data-status]");
  var typingLine = root.querySelector("[data-typing]");
  var storageKey = "tremplin-last-event-" + me;
  var lastEvent = Math.max(Number(root.dataset.lastEvent || 0), Number(sessionStorage.getItem(storageKey) || 0));
  var socket = null, delay = 1000, typingTimer = null, typingSentAt = 0, readUpTo = 0;
  var pending = {};
  var NOT_SIGNED_IN = 4401;

  function url() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.socket +
      "?after=" + encodeURIComponent(lastEvent) + "&lang=" + encodeURIComponent(document.documentElement.lang);
  }
  // As the server writes it ("29 nov., 09:43"): the page's language, the person's time zone.
  var clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false,
    timeZone: root.dataset.timeZone || undefined
  });
  function when(iso) { return clock.format(new Date(iso)); }
  function item(id) { return list.querySelector('[data-message="' + id + '"]'); }
  function place(li, id) {
    // After the last message with a lower id: stored messages in id order, the ones still being
    // sent (no id yet) below them.
    var before = list.lastElementChild;
    while (before && (before === li || !(Number(before.dataset.message) < id))) before = before.previousElementSibling;
    var empty = list.querySelector("li:not([data-message])");  // "No message yet."
    if (empty) empty.remove();
    list.insertBefore(li, before ? before.nextElementSibling : list.firstElementChild);
  }
  function render(event) {
    var li = item(event.message) || (event.client_key && pending[event.client_key]);
    if (!li) {
      if (event.type && event.type !== "message.new") return null;  // not on this page
      li = document.createElement("li");
      li.className = "message-item" + (event.author === me ? " mine" : "");
      var meta = document.createElement("p"); meta.className = "meta";
      var text = document.createElement("p"); text.className = "text"; text.dir = "auto";
      li.append(meta, text);
      list.append(li);
    }
    var author = document.createElement("bdi");  // a name cannot turn the line around
    author.textContent = event.author_name;
    li.querySelector(".meta").replaceChildren(author, " · " + when(event.created_at) + (event.edited_at ? " · ✎" : ""));
    li.querySelector(".text").textContent = event.deleted ? "—" : event.text;  // text, never HTML
    if (typeof event.message === "number") stored(li, event.message, event.client_key);
    return li;
  }
  function stored(li, id, key) {
    if (Number(li.dataset.message) !== id) place(li, id);
    li.dataset.message = id;
    li.id = "m" + id;
    if (key) delete pending[key];
  }
  function markRead(id) {
    if (id > readUpTo && document.visibilityState === "visible") {
      readUpTo = id;
      send({ action: "read", conversation: conversation, up_to: id });
    }
  }
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function handle(event) {
    if (event.id) { lastEvent = Math.max(lastEvent, event.id); sessionStorage.setItem(storageKey, lastEvent); }
    if (event.type === "unread") {
      document.querySelectorAll("[data-unread-total]").forEach(function (badge) {
        badge.textContent = event.total || "";
        badge.hidden = !event.total;
      });
      return;
    }
    if (event.type === "resumed") {  // up to date: what follows is live
      delay = 1000;
      root.dataset.live = "true";
      return;
    }
    if (event.type === "message.new" && event.author !== me && event.conversation !== conversation &&
        root.dataset.live === "true") {
      // Counts arrive on connecting (the replay that follows is in them) and after reading; in
      // between, each new message adds one.
      document.querySelectorAll("[data-unread-total]").forEach(function (badge) {
        badge.textContent = (Number(badge.textContent) || 0) + 1;
        badge.hidden = false;
      });
    }
    if (event.type === "ack") {
      status.textContent = "";
      var sent = pending[event.client_key];
      if (sent) { stored(sent, event.message, event.client_key); sent.dataset.state = "sent"; }
      return;
    }
    if (event.type === "error") {
      status.textContent = event.message;
      if (event.client_key && pending[event.client_key]) pending[event.client_key].dataset.state = "failed";
      return;
    }
    if (event.conversation !== conversation) return;
    if (event.type === "message.new" || event.type === "message.edited" || event.type === "message.deleted") {
      var li = render(event);
      if (!li) return;
      if (event.author === me) li.dataset.state = li.dataset.state === "read" ? "read" : "sent";
      else markRead(event.message);
    } else if (event.type === "read" && event.user !== me) {
      list.querySelectorAll(".mine").forEach(function (li) {
        if (Number(li.dataset.message) <= event.up_to) li.dataset.state = "read";
      });
    } else if (event.type === "typing") {
      typingLine.textContent = event.state === "start" ? event.name + " …" : "";
      clearTimeout(typingTimer);
      if (event.state === "start") typingTimer = setTimeout(function () { typingLine.textContent = ""; }, event.expires_in * 1000);
    }
  }
  function connect() {
    socket = new WebSocket(url());
    socket.onopen = function () {
      Object.keys(pending).forEach(function (key) {  // sent while offline: try again, same key
        send({ action: "send", conversation: conversation, text: pending[key].querySelector(".text").textContent, client_key: key });
      });
    };
    socket.onmessage = function (message) { handle(JSON.parse(message.data)); };
    socket.onclose = function (closed) {
      root.dataset.live = "false";
      if (closed.code === NOT_SIGNED_IN) return;  // logged out: the plain form takes over
      setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    };
  }
  form.addEventListener("submit", function (submit) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;  // the plain form posts
    submit.preventDefault();
    var text = field.value.trim();
    if (!text) return;
    var key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    var li = render({ message: "pending-" + key, author: me, author_name: "", created_at: new Date().toISOString(), text: text });
    li.dataset.message = "pending-" + key;
    li.dataset.state = "sending";
    pending[key] = li;
    send({ action: "send", conversation: conversation, text: text, client_key: key });
    send({ action: "typing", conversation: conversation, state: "stop" });
    field.value = "";
  });
  field.addEventListener("input", function () {
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      send({ action: "typing", conversation: conversation, state: "start" });
    }
  });
  document.addEventListener("visibilitychange", function () {
    var items = list.querySelectorAll("[data-message]");
    for (var i = items.length - 1; i >= 0; i--) {
      var id = Number(items[i].dataset.message);
      if (id) { markRead(id); return; }  // the newest stored one, not one still being sent
    }
  });
  connect();
})();
