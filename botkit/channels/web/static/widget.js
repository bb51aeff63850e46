/* botkit chat widget: one script tag, no framework.
 *   <script src="https://BOTKIT-HOST/widget.js" data-site-key="pk_..." [data-title="Video bot"] [data-open="true"]
 *           [data-token-url="/botkit-token"] [data-user-token="..."] [data-preview="auto|on|off"]></script>
 * data-preview: preview first (an animatic to approve before the render): auto (by skill: storyboard,
 * marketing; the default), on, off.
 * Without a token the visitor is a rate-limited guest. data-token-url names an endpoint of the page's
 * own backend that returns {"token", "expires_at"} minted with the site secret (mint_user_token);
 * the widget asks again when the token is about to expire. data-user-token is a fixed token.
 * Adds <botkit-chat> (Shadow DOM: the page's CSS cannot leak in). Theme it from the page with CSS
 * variables: botkit-chat { --botkit-accent: #0f766e; --botkit-bg: #fff; --botkit-fg: #111827;
 * --botkit-muted: #6b7280; --botkit-radius: 14px; --botkit-font: system-ui; --botkit-width: 380px; }
 */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || customElements.get("botkit-chat")) return;
  const API = new URL(script.src, location.href).origin;
  const SITE = script.dataset.siteKey || "";
  const STORE = `botkit:${SITE}`;
  const PREVIEW = ["auto", "on", "off"].includes(script.dataset.preview) ? script.dataset.preview : "auto";

  const CSS = `
:host { all: initial; }
.wrap { --accent: var(--botkit-accent, #4f46e5); --bg: var(--botkit-bg, #ffffff);
  --fg: var(--botkit-fg, #111827); --muted: var(--botkit-muted, #6b7280); --radius: var(--botkit-radius, 14px);
  --line: color-mix(in srgb, var(--fg) 12%, transparent);
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; text-align: left;
  font: 14px/1.45 var(--botkit-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  color: var(--fg); }
* { box-sizing: border-box; font: inherit; }
svg { width: 1.2em; height: 1.2em; display: block; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
button { cursor: pointer; border: 0; border-radius: 999px; padding: 7px 12px; background: var(--accent); color: #fff; }
button.ghost { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
button:disabled { opacity: .5; cursor: default; }
.launcher { width: 56px; height: 56px; padding: 0; font-size: 24px; display: grid; place-items: center; box-shadow: 0 6px 20px rgba(0,0,0,.25); }
.panel { position: absolute; right: 0; bottom: 70px; width: var(--botkit-width, 380px); height: min(640px, calc(100vh - 110px));
  display: flex; flex-direction: column; background: var(--bg); border-radius: var(--radius); overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.25); border: 1px solid var(--line); }
.panel[hidden] { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: var(--accent); color: #fff; }
header b { flex: 1; font-weight: 600; }
header button { background: transparent; font-size: 18px; padding: 4px 6px; color: #fff; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; }
.empty { color: var(--muted); text-align: center; margin: auto 8px; }
.msg { max-width: 88%; padding: 8px 11px; border-radius: var(--radius); white-space: pre-wrap; overflow-wrap: anywhere; }
.user { align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 4px; }
.bot { align-self: flex-start; background: color-mix(in srgb, var(--fg) 6%, var(--bg)); border-bottom-left-radius: 4px; }
.error { align-self: stretch; background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.thumbs { display: flex; gap: 4px; margin-top: 6px; flex-wrap: wrap; }
.thumbs img { width: 48px; height: 48px; object-fit: cover; border-radius: 6px; border: 1px solid rgba(255,255,255,.6); }
.card { align-self: stretch; border: 1px solid var(--line); border-radius: var(--radius); padding: 10px 12px; background: var(--bg); }
.card h4 { margin: 0 0 4px; font-weight: 600; font-size: 14px; }
.card ol { margin: 4px 0 8px; padding-left: 20px; color: var(--fg); }
.card li { margin: 2px 0; }
.card li small { color: var(--muted); }
.status { display: flex; justify-content: space-between; align-items: center; color: var(--muted); font-size: 12px; gap: 8px; }
.bar { height: 6px; border-radius: 3px; background: var(--line); overflow: hidden; margin: 6px 0; }
.bar > i { display: block; height: 100%; width: 0; background: var(--accent); transition: width .3s; }
.status button { padding: 2px 8px; font-size: 12px; }
.out { margin-top: 8px; }
.out video { width: 100%; max-height: 320px; object-fit: contain; background: #000; border-radius: 10px; display: block; }
.out .meta { display: flex; justify-content: space-between; align-items: center; margin: 4px 0; font-size: 12px; color: var(--muted); }
.out a { color: var(--accent); font-weight: 600; text-decoration: none; }
.out .ai { font-weight: 600; color: var(--fg); }
.out .ai button { margin-left: 6px; padding: 1px 6px; font-size: 11px; }
.out .creds { font-size: 12px; color: var(--muted); margin: 2px 0 6px; }
.msg.bot { align-self: flex-start; background: var(--line); }
.follow { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 6px; }
.follow button { font-size: 12px; padding: 5px 10px; }
form { border-top: 1px solid var(--line); padding: 8px; display: flex; flex-direction: column; gap: 6px; }
.row { display: flex; gap: 6px; align-items: flex-end; }
textarea { flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 10px; border-radius: 10px;
  border: 1px solid var(--line); background: var(--bg); color: var(--fg); outline: none; }
textarea:focus { border-color: var(--accent); }
.attach { background: transparent; color: var(--muted); font-size: 20px; padding: 8px 6px; }
.attach:hover { color: var(--accent); }
.chips { display: flex; gap: 6px; flex-wrap: wrap; }
.chips span { display: inline-flex; align-items: center; gap: 4px; font-size: 12px; background: var(--line); border-radius: 999px; padding: 2px 4px 2px 2px; }
.chips img { width: 22px; height: 22px; border-radius: 50%; object-fit: cover; }
.chips button { background: transparent; color: var(--muted); padding: 0 4px; }
@media (max-width: 520px) {
  .wrap { right: 12px; bottom: 12px; }
  .panel { position: fixed; inset: 0; width: 100vw; height: 100dvh; border-radius: 0; border: 0; }
  .panel:not([hidden]) ~ .launcher { display: none; }
  .msg { max-width: 92%; }
}`;

  const h = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const ICONS = {
    chat: '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/><path d="M10 9.5v5l4-2.5z"/>',
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    reset: '<path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4"/>',
    attach: '<path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/>',
  };
  const icon = (name) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.innerHTML = ICONS[name];
    return svg;
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  class BotkitChat extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.state = this.load();
      this.files = [];
      this.cards = new Map(); // job id -> card elements
      this.streaming = null;
    }

    load() {
      try { return JSON.parse(localStorage.getItem(STORE) || "{}"); } catch { return {}; }
    }
    save() {
      try { localStorage.setItem(STORE, JSON.stringify(this.state)); } catch { /* private mode: no history */ }
    }

    connectedCallback() {
      if (this.panel) return;
      const title = script.dataset.title || "Video bot";
      this.log = h("div", { class: "log", role: "log", "aria-live": "polite" });
      this.text = h("textarea", { rows: 1, placeholder: "Describe your video…", "aria-label": "Message" });
      this.text.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.form.requestSubmit(); }
      });
      this.fileInput = h("input", { type: "file", accept: "image/png,image/jpeg,image/webp,video/mp4,video/quicktime,video/webm,image/gif", multiple: true, hidden: true,
        onchange: () => { this.files.push(...this.fileInput.files); this.fileInput.value = ""; this.renderChips(); } });
      this.chips = h("div", { class: "chips" });
      this.sendButton = h("button", { type: "submit", "aria-label": "Send" }, "Send");
      this.form = h("form", { onsubmit: (event) => { event.preventDefault(); this.send(this.text.value); } },
        this.chips,
        h("div", { class: "row" },
          h("button", { type: "button", class: "attach", title: "Add images (storyboard panels, product photos)",
            "aria-label": "Add images", onclick: () => this.fileInput.click() }, icon("attach")),
          this.text, this.sendButton),
        this.fileInput);
      this.panel = h("section", { class: "panel", hidden: true, "aria-label": title },
        h("header", {}, h("b", {}, title),
          h("button", { type: "button", title: "New conversation", "aria-label": "New conversation", onclick: () => this.reset() }, icon("reset")),
          h("button", { type: "button", "aria-label": "Close", onclick: () => this.toggle(false) }, icon("close"))),
        this.log, this.form);
      this.launcher = h("button", { class: "launcher", type: "button", "aria-label": "Open video chat", onclick: () => this.toggle() }, icon("chat"));
      this.root.append(h("style", {}, CSS), h("div", { class: "wrap" }, this.panel, this.launcher));
      if (script.dataset.open === "true" || this.state.open) this.toggle(true);
      this.restore();
    }

    toggle(open = this.panel.hidden) {
      this.panel.hidden = !open;
      this.launcher.replaceChildren(icon(open ? "close" : "chat"));
      this.launcher.setAttribute("aria-label", open ? "Close video chat" : "Open video chat");
      this.state.open = open;
      this.save();
      if (open) this.text.focus();
    }

    reset() {
      this.stopStream();
      delete this.state.conversationId;
      this.state.lastEventId = 0;
      this.save();
      this.cards.clear();
      this.log.replaceChildren();
      this.showEmpty();
    }

    showEmpty() {
      if (!this.log.children.length) this.log.append(h("p", { class: "empty" }, "I'm an AI assistant: ask for a short video. Attach images to animate them."));
    }

    // -- HTTP --------------------------------------------------------------------------------------
    async token(renew = false) {
      if (script.dataset.userToken) return script.dataset.userToken;
      if (!renew && this.state.token && this.state.tokenExpires > Date.now() / 1000 + 60) return this.state.token;
      if (script.dataset.tokenUrl) {
        // signed-in users: the page's own backend mints short-lived tokens (mint_user_token) on demand
        const response = await fetch(new URL(script.dataset.tokenUrl, location.href), { credentials: "same-origin" });
        const body = await response.json().catch(() => ({}));
        if (!response.ok || !body.token) throw new Error(body.error || `could not sign in (${response.status})`);
        Object.assign(this.state, { token: body.token, tokenExpires: body.expires_at || Date.now() / 1000 + 120 });
        this.save();
        return body.token;
      }
      const response = await fetch(`${API}/api/tokens/guest`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ site_key: SITE }) });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || `could not start a session (${response.status})`);
      if (renew || this.state.token) { delete this.state.conversationId; } // a new guest cannot read the old one
      Object.assign(this.state, { token: body.token, tokenExpires: body.expires_at });
      this.save();
      return body.token;
    }

    async call(path, options = {}) {
      for (const renew of [false, true]) {
        const token = await this.token(renew);
        const response = await fetch(`${API}${path}`, { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${token}` } });
        if (response.status === 401 && !renew && !script.dataset.userToken) continue;
        return response;
      }
    }

    // -- history -----------------------------------------------------------------------------------
    async restore() {
      const id = this.state.conversationId;
      if (!id) { this.showEmpty(); return; }
      try {
        const response = await this.call(`/api/conversations/${encodeURIComponent(id)}`);
        if (!response.ok) { this.reset(); return; }
        const conversation = await response.json();
        this.log.replaceChildren();
        const plans = conversation.messages.filter((m) => m.role === "assistant" && m.text.includes("\n"));
        let jobIndex = 0;
        for (const message of conversation.messages) {
          if (message.role === "user") this.addUser(message.text, message.images);
          else if (plans.includes(message)) {
            const job = conversation.jobs[jobIndex++];
            if (!job) { this.add(h("div", { class: "msg bot" }, message.text)); continue; }
            // a preview and the render approved from it belong to the same plan message
            for (const one of [job, ...conversation.jobs.slice(jobIndex).filter((j) => j.preview_id === job.id)]) {
              if (one !== job) jobIndex++;
              const card = this.addCard(one.id, message.text, one.purpose === "preview");
              const outputs = conversation.outputs.filter((o) => o.job_id === one.id);
              this.applyState(card, one.state, one.error, outputs, conversation.suggestions, one.decision);
            }
          } else if (!/^Done: /.test(message.text)) this.add(h("div", { class: "msg bot" }, message.text));
        }
        this.log.scrollTop = this.log.scrollHeight;
        this.state.lastEventId = conversation.last_event_id;
        this.save();
        this.startStream();
      } catch (error) {
        this.addError(`Could not load the conversation: ${error.message}`);
      }
    }

    // -- sending -----------------------------------------------------------------------------------
    async send(text) {
      text = text.trim();
      if (!text) { this.text.focus(); return; }
      const images = [...this.files];
      const form = new FormData();
      form.append("text", text);
      form.append("preview", PREVIEW);
      for (const file of images) form.append("images", file, file.name);
      this.sendButton.disabled = true;
      this.log.querySelector(".empty")?.remove();
      this.addUser(text, images.map((file) => URL.createObjectURL(file)));
      this.text.value = "";
      this.text.placeholder = "Describe your video…";
      this.files = [];
      this.renderChips();
      try {
        const id = this.state.conversationId;
        const path = id ? `/api/conversations/${encodeURIComponent(id)}/messages` : "/api/conversations";
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const response = await this.call(path, { method: "POST", body: form, headers: { "Idempotency-Key": key } });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) { this.addError(body.error || `The request failed (${response.status}).`); return; }
        this.state.conversationId = body.conversation_id;
        this.save();
        if (body.intro) this.add(h("div", { class: "msg bot" }, body.intro)); // a new conversation: the bot says it is an AI
        if (!this.cards.has(body.job_id)) this.addCard(body.job_id, body.summary, body.preview);
        this.startStream();
      } catch (error) {
        this.addError(`Could not send: ${error.message}`);
      } finally {
        this.sendButton.disabled = false;
      }
    }

    renderChips() {
      this.chips.replaceChildren(...this.files.map((file, index) => h("span", {},
        h("img", { src: URL.createObjectURL(file), alt: "" }), file.name.slice(0, 24),
        h("button", { type: "button", "aria-label": `Remove ${file.name}`,
          onclick: () => { this.files.splice(index, 1); this.renderChips(); } }, "×"))));
    }

    // -- rendering ---------------------------------------------------------------------------------
    add(node) {
      this.log.append(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }
    addUser(text, images = []) {
      this.add(h("div", { class: "msg user" }, text,
        images.length ? h("div", { class: "thumbs" }, images.map((src) => h("img", { src, alt: "uploaded image" }))) : null));
    }
    addError(text) { this.add(h("div", { class: "msg error", role: "alert" }, text)); }

    addCard(jobId, summary, preview = false) {
      const [title, ...lines] = (summary || "").split("\n");
      const shots = lines.map((line) => line.trim()).filter(Boolean).map((line) => {
        const match = line.match(/^\d+\.\s*([^:]+):\s*(.*)$/);
        return h("li", {}, match ? [h("small", {}, `${match[1]} · `), match[2]] : line);
      });
      const card = {
        bar: h("i"), label: h("span", {}, "Queued"),
        cancel: h("button", { type: "button", class: "ghost", onclick: () => this.cancel(jobId) }, "Cancel"),
        outputs: h("div"), follow: h("div", { class: "follow" }), preview,
      };
      card.root = this.add(h("div", { class: "card", "data-job": jobId, "data-preview": preview ? "true" : null },
        h("h4", {}, preview ? `Preview: ${title}` : title), shots.length ? h("ol", {}, shots) : null,
        h("div", { class: "bar", role: "progressbar", "aria-label": "Render progress" }, card.bar),
        h("div", { class: "status" }, card.label, card.cancel), card.outputs, card.follow));
      for (const older of this.cards.values()) older.follow.replaceChildren(); // follow-ups act on the latest plan
      this.cards.set(jobId, card);
      return card;
    }

    progress(card, fraction, label) {
      card.bar.style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
      card.bar.parentElement.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
      card.label.textContent = label;
    }

    applyState(card, state, error, outputs = [], suggestions = [], decision = null) {
      if (state === "succeeded" && card.preview) {
        const said = { approved: "Approved: rendering below", cancelled: "Preview cancelled: nothing rendered",
          superseded: "Replaced by a newer preview" };
        this.progress(card, 1, said[decision] || "Preview ready: approve to render");
        this.showOutputs(card, outputs, []);
        if (!decision) this.showDecision(card);
      } else if (state === "succeeded") { this.progress(card, 1, "Done"); this.showOutputs(card, outputs, suggestions); }
      else if (state === "failed") { this.progress(card, 0, `Failed: ${error || "unknown error"}`); }
      else if (state === "cancelled") { this.progress(card, 0, "Cancelled"); }
      else if (state === "running") { this.progress(card, 0.05, "Rendering…"); return; }
      else { this.progress(card, 0, "Queued"); return; }
      card.cancel.remove();
    }

    showOutputs(card, outputs, suggestions = []) {
      card.outputs.replaceChildren(...outputs.map((output) => h("div", { class: "out" },
        h("video", { src: output.url, poster: output.poster_url, controls: true, playsinline: true, preload: "metadata",
          style: `aspect-ratio: ${output.width} / ${output.height}`,
          // a cross-origin <track> needs a CORS-mode video; the API answers allowed sites' origins
          ...(output.subtitles_url ? { crossorigin: "anonymous" } : {}) },
          ...(output.subtitles_url
            ? [h("track", { kind: "captions", src: output.subtitles_url, label: "Captions",
              ...(output.subtitles_language ? { srclang: output.subtitles_language } : {}) })] : [])),
        h("div", { class: "meta" },
          h("span", {}, `${output.platform} · ${output.width}×${output.height} · ${output.duration_s.toFixed(1)} s`),
          h("a", { href: output.download_url, download: "", target: "_blank", rel: "noopener" }, "Download")),
        this.disclosure(output))));
      if ([...this.cards.values()].at(-1) !== card) return;
      // the server fits these to the video: no "Vertical version" under a vertical one
      card.follow.replaceChildren(...suggestions.map((suggestion) =>
        h("button", { type: "button", class: "ghost", "data-suggestion": suggestion.id,
          onclick: () => this.send(suggestion.text) }, suggestion.label)));
      this.log.scrollTop = this.log.scrollHeight;
    }

    disclosure(output) {
      // every video says it is AI-generated; its content credentials (C2PA) on request
      const creds = h("div", { class: "creds", "aria-live": "polite" });
      const show = async () => {
        creds.textContent = "Checking content credentials…";
        try {
          const response = await this.call(`/api/assets/${encodeURIComponent(output.id)}/credentials`);
          const body = await response.json().catch(() => ({}));
          creds.textContent = response.ok ? body.credentials.summary : (body.error || `Could not check (${response.status}).`);
        } catch (error) { creds.textContent = `Could not check: ${error.message}`; }
      };
      return h("div", {}, h("div", { class: "ai" }, output.disclosure || "AI-generated video",
        h("button", { type: "button", class: "ghost", "data-credentials": output.id, onclick: show }, "Content credentials")), creds);
    }

    showDecision(card) {
      if ([...this.cards.values()].at(-1) !== card) return; // only the newest preview can be approved
      const jobId = card.root.dataset.job;
      card.follow.replaceChildren(
        h("button", { type: "button", "data-decision": "approve", onclick: () => this.decide(jobId, "approve") }, "Approve and render"),
        h("button", { type: "button", class: "ghost", "data-decision": "revise",
          onclick: () => { this.text.placeholder = "What should change? e.g. shot 2 slower"; this.text.focus(); } }, "Revise"),
        h("button", { type: "button", class: "ghost", "data-decision": "cancel", onclick: () => this.decide(jobId, "cancel") }, "Cancel"));
      this.log.scrollTop = this.log.scrollHeight;
    }

    async decide(previewId, decision) {
      const card = this.cards.get(previewId);
      for (const button of card?.follow.querySelectorAll("button") || []) button.disabled = true;
      try {
        const response = await this.call(`/api/previews/${encodeURIComponent(previewId)}/${decision}`, { method: "POST" });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) {
          this.addError(body.error || `Could not ${decision} the preview (${response.status}).`);
          for (const button of card?.follow.querySelectorAll("button") || []) button.disabled = false;
          return;
        }
        if (card) {
          card.follow.replaceChildren();
          card.label.textContent = decision === "approve" ? "Approved: rendering below" : "Preview cancelled: nothing rendered";
        }
        if (decision === "approve" && body.job_id && !this.cards.has(body.job_id)) this.addCard(body.job_id, body.summary);
        this.startStream();
      } catch (error) {
        this.addError(`Could not ${decision} the preview: ${error.message}`);
      }
    }

    async cancel(jobId) {
      const response = await this.call(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: "POST" });
      if (!response.ok) this.addError("Could not cancel the render.");
    }

    onEvent(event) {
      let card = this.cards.get(event.job_id);
      if (!card && event.kind === "queued") card = this.addCard(event.job_id, event.data.summary, event.data.purpose === "preview");
      if (!card) return;
      const data = event.data || {};
      if (event.kind === "started") this.progress(card, 0.03, "Rendering…");
      else if (event.kind === "rendering") {
        const done = (data.shot || 0) + (data.steps ? data.step / data.steps : 0);
        this.progress(card, 0.05 + 0.8 * (done / Math.max(1, data.shots)), `Rendering shot ${(data.shot || 0) + 1} of ${data.shots}…`);
      } else if (event.kind === "post") this.progress(card, 0.9, "Editing and encoding…");
      else if (event.kind === "retrying") this.progress(card, 0.02, "Retrying…");
      else if (event.kind === "done") this.applyState(card, "succeeded", null, data.outputs || [], data.suggestions || []);
      else if (event.kind === "failed") this.applyState(card, "failed", data.error);
      else if (event.kind === "cancelled") this.applyState(card, "cancelled");
      else if (event.kind === "preview_superseded") { card.follow.replaceChildren(); card.label.textContent = "Replaced by a newer preview"; }
      else if (event.kind === "preview_cancelled") { card.follow.replaceChildren(); card.label.textContent = "Preview cancelled: nothing rendered"; }
    }

    // -- events (SSE over fetch, so the token travels in a header; resumes with Last-Event-ID) ------
    stopStream() {
      if (this.streaming) this.streaming.abort();
      this.streaming = null;
    }

    startStream() {
      if (this.streaming || !this.state.conversationId) return;
      const controller = new AbortController();
      this.streaming = controller;
      (async () => {
        while (!controller.signal.aborted) {
          try {
            const response = await this.call(`/api/conversations/${encodeURIComponent(this.state.conversationId)}/events`,
              { headers: { "Last-Event-ID": String(this.state.lastEventId || 0) }, signal: controller.signal });
            if (response.status === 401 || response.status === 403 || response.status === 404) break;
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = "";
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer += value;
              let end;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const block = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const fields = {};
                for (const line of block.split("\n")) {
                  const colon = line.indexOf(":");
                  if (colon > 0) fields[line.slice(0, colon)] = (fields[line.slice(0, colon)] || "") + line.slice(colon + 1).trimStart();
                }
                if (!fields.data) continue;
                this.state.lastEventId = Number(fields.id) || this.state.lastEventId;
                this.save();
                this.onEvent(JSON.parse(fields.data));
              }
            }
          } catch (error) {
            if (controller.signal.aborted) return;
          }
          await sleep(1000);
        }
        if (this.streaming === controller) this.streaming = null;
      })();
    }
  }

  customElements.define("botkit-chat", BotkitChat);
  const mount = () => {
    const element = document.createElement("botkit-chat");
    document.body.append(element);
    window.botkitChat = element;
  };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
