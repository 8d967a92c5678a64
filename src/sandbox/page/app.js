// The Pacer sandbox page: pick a person of the demo org and see Slack as they would: their DM
// with Pacer, their team channels and their App Home; run /mykpis and /teamkpis; click buttons;
// run the weekly jobs or move the clock on. No framework and no build: the server renders Block
// Kit to escaped HTML (src/sandbox/block-kit-html.ts); everything else here is set as text.
/* global document, window, fetch, history, location, URLSearchParams, Element, HTMLElement, HTMLSelectElement, CSS */

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

const els = {
  clock: $('clock'),
  status: $('status'),
  runJobs: $('run-jobs'),
  advance: $('advance-clock'),
  picker: $('person-picker'),
  summary: $('person-summary'),
  home: $('open-home'),
  dmList: $('dm-list'),
  channelList: $('channel-list'),
  title: $('pane-title'),
  subtitle: $('pane-subtitle'),
  pane: $('pane'),
  form: $('composer-form'),
  composer: $('composer'),
  hint: $('composer-hint'),
  backdrop: $('modal-backdrop'),
  modal: $('modal'),
  modalTitle: $('modal-title'),
  modalBody: $('modal-body'),
  modalClose: $('modal-close'),
  modalX: $('modal-x'),
  topbar: document.querySelector('.topbar'),
  layout: document.querySelector('.layout'),
  navToggle: $('nav-toggle'),
  sidebar: $('sidebar'),
  scrim: $('scrim'),
};

const state = {
  /** @type {Array<{slackUserId: string, name: string, email: string, role: string, teams: string[]}>} */
  people: [],
  /** @type {string | null} */
  user: null,
  /** @type {Array<{id: string, kind: string, title: string, messages: any[]}>} */
  conversations: [],
  /** 'home' or a conversation id. */
  pane: 'home',
  /** Answers only the viewer sees (slash commands, click responses), by `${user}|${pane}`. */
  local: new Map(),
  /** Messages already seen per `${user}|${conversation}`, for the "new" badges. */
  seen: new Map(),
  /** @type {{id: string, title: string | null, html: string, closeLabel: string} | null} */
  modal: null,
  /** The control a modal was opened from, to give focus back to when it closes. */
  opener: null,
  /** That control, when it could not take focus yet (disabled while its click runs, or drawn again): it gets focus once it can. */
  refocus: null,
  /** Bumped on every person switch, so late answers for the previous person are dropped. */
  generation: 0,
};

// ---------------------------------------------------------------------------------------------
// API

async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`sandbox/api/${path}`, init);
  let data;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new Error(data?.error?.message ?? data?.message ?? `HTTP ${res.status}`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function setStatus(text, kind = 'info') {
  els.status.textContent = text;
  els.status.dataset.kind = kind;
}

function showError(err) {
  setStatus(err instanceof Error ? err.message : String(err), 'error');
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'className') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'type' || key === 'title') node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** HTML the server rendered from Block Kit (already escaped there), placed as markup. */
function serverHtml(html) {
  const div = document.createElement('div');
  div.className = 'message-body';
  div.innerHTML = html;
  return div;
}

const person = (id) => state.people.find((p) => p.slackUserId === id) ?? null;
const localKey = (pane) => `${state.user}|${pane}`;
const tsNumber = (ts) => {
  const n = Number(ts);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
};

function tsLabel(ts) {
  const n = Number(ts);
  if (!Number.isFinite(n) || n < 1e9) return '';
  const d = new Date(n * 1000);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).replace(/,/g, '');
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  return `${day} ${time}`;
}

function addLocal(pane, responses, note) {
  if (responses.length === 0) return;
  const key = localKey(pane);
  const list = state.local.get(key) ?? [];
  for (const r of responses) list.push({ ...r, note });
  state.local.set(key, list);
}

function setBusy(button, busy) {
  button.disabled = busy;
  button.setAttribute('aria-busy', busy ? 'true' : 'false');
}

function saveLocation() {
  if (!state.user) return;
  const params = new URLSearchParams({ user: state.user, view: state.pane });
  history.replaceState(null, '', `#${params.toString()}`);
}

// ---------------------------------------------------------------------------------------------
// Clock

async function loadClock() {
  const now = await api('GET', 'now');
  showClock(now);
}

function showClock(now) {
  els.clock.textContent = now.label;
  els.clock.dataset.now = now.now;
}

// ---------------------------------------------------------------------------------------------
// People

function fillPicker() {
  const groups = new Map();
  for (const p of state.people) {
    const team = p.teams.length > 0 ? [...p.teams].sort()[0] : 'No team';
    if (!groups.has(team)) groups.set(team, []);
    groups.get(team).push(p);
  }
  els.picker.replaceChildren();
  for (const team of [...groups.keys()].sort()) {
    const group = el('optgroup', { label: team });
    const members = groups.get(team).sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'manager' ? -1 : 1));
    for (const p of members) {
      const managed = p.role === 'manager' && p.teams.length > 1 ? ` of ${p.teams.join(', ')}` : '';
      group.append(el('option', { value: p.slackUserId, text: `${p.name} · ${p.role}${managed}` }));
    }
    els.picker.append(group);
  }
}

function showSummary() {
  const p = person(state.user);
  els.summary.replaceChildren();
  if (!p) return;
  const role = p.role === 'manager' ? `Manager of ${p.teams.join(', ') || 'no team'}` : `Rep in ${p.teams.join(', ') || 'no team'}`;
  els.summary.append(el('div', { className: 'person-name', text: p.name }), el('div', { className: 'person-role', text: role }), el('div', { className: 'person-email', text: p.email }));
}

async function selectPerson(userId, view) {
  state.generation += 1;
  state.user = userId;
  state.conversations = [];
  closeModal({ restore: false });
  els.picker.value = userId;
  showSummary();
  await loadConversations({ initial: true });
  const target = view && (view === 'home' || state.conversations.some((c) => c.id === view)) ? view : (state.conversations.find((c) => c.kind === 'dm')?.id ?? 'home');
  await openPane(target);
}

// ---------------------------------------------------------------------------------------------
// Focus across redraws

/** A selector for a control that still finds it once the pane is drawn again: its action, block, value and message. */
function controlSelector(control) {
  const { actionId, blockId, value } = control.dataset;
  let selector = `[data-action-id="${CSS.escape(actionId ?? '')}"][data-block-id="${CSS.escape(blockId ?? '')}"]`;
  if (value !== undefined) selector += `[data-value="${CSS.escape(value)}"]`;
  const message = control.closest('[data-testid="message"]');
  return message instanceof HTMLElement && message.dataset.ts ? `[data-testid="message"][data-ts="${CSS.escape(message.dataset.ts)}"] ${selector}` : selector;
}

/** Replaces the pane's content, keeping focus on the control that had it (now the one in its place). */
function redrawPane(...children) {
  const active = document.activeElement;
  const selector = active instanceof HTMLElement && els.pane.contains(active) && active.dataset.actionId !== undefined ? controlSelector(active) : null;
  els.pane.replaceChildren(...children);
  if (!selector) return;
  const again = els.pane.querySelector(selector);
  if (again instanceof HTMLElement) again.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// Conversations

/** Fetches the user's conversations; returns how many messages arrived in each since the last fetch. */
async function loadConversations({ initial = false } = {}) {
  const generation = state.generation;
  const before = new Map(state.conversations.map((c) => [c.id, c.messages.length]));
  const data = await api('GET', `conversations?user=${encodeURIComponent(state.user)}`);
  if (generation !== state.generation) return [];
  state.conversations = data.conversations;
  const arrived = [];
  for (const c of state.conversations) {
    const key = localKey(c.id);
    if (initial && !state.seen.has(key)) state.seen.set(key, c.messages.length);
    const was = before.get(c.id);
    if (!initial && was !== undefined && c.messages.length > was) arrived.push({ title: c.title, count: c.messages.length - was });
  }
  renderConversationList();
  return arrived;
}

function renderConversationList() {
  const item = (c) => {
    const unseen = c.messages.length - (state.seen.get(localKey(c.id)) ?? 0);
    const button = el(
      'button',
      { type: 'button', className: `nav-item${state.pane === c.id ? ' is-active' : ''}`, 'data-testid': `conversation-${c.id}`, 'data-conversation-id': c.id },
      el('span', { className: 'nav-icon', 'aria-hidden': 'true', text: c.kind === 'dm' ? '●' : '#' }),
      el('span', { className: 'nav-label', text: c.kind === 'channel' ? c.title.replace(/^#/, '') : c.title }),
      unseen > 0 && state.pane !== c.id ? el('span', { className: 'badge', 'data-testid': `unread-${c.id}`, text: String(unseen) }) : null,
    );
    button.addEventListener('click', () => void openPane(c.id).catch(showError));
    return el('li', {}, button);
  };
  els.dmList.replaceChildren(...state.conversations.filter((c) => c.kind === 'dm').map(item));
  els.channelList.replaceChildren(...state.conversations.filter((c) => c.kind === 'channel').map(item));
  els.home.classList.toggle('is-active', state.pane === 'home');
}

function messageNode(m, channel, note) {
  const isLocal = note !== undefined;
  const meta = el(
    'div',
    { className: 'message-meta' },
    el('span', { className: 'message-author', text: 'Pacer' }),
    el('span', { className: 'app-badge', text: 'APP' }),
    el('span', { className: 'message-time', text: tsLabel(m.ts) }),
  );
  if (m.ephemeral || isLocal) meta.append(el('span', { className: 'ephemeral-note', 'data-testid': 'ephemeral-note', text: note ? `Only visible to you · ${note}` : 'Only visible to you' }));
  return el(
    'article',
    {
      className: `message${m.ephemeral || isLocal ? ' message--ephemeral' : ''}`,
      'data-testid': 'message',
      'data-ts': m.ts,
      'data-channel': channel,
      'data-ephemeral': m.ephemeral ? 'true' : 'false',
    },
    el('div', { className: 'avatar', 'aria-hidden': 'true', text: 'P' }),
    el('div', { className: 'message-main' }, meta, serverHtml(m.html)),
  );
}

function renderConversation(c) {
  els.title.textContent = c.kind === 'dm' ? c.title : c.title.startsWith('#') ? c.title : `#${c.title}`;
  els.subtitle.textContent = c.kind === 'dm' ? 'Direct message with the Pacer app' : 'Team channel';
  const fetched = new Set(c.messages.map((m) => m.ts));
  const local = (state.local.get(localKey(c.id)) ?? []).filter((m) => !fetched.has(m.ts));
  const items = [
    ...c.messages.map((m, i) => ({ m, note: undefined, key: tsNumber(m.ts), order: i })),
    ...local.map((m, i) => ({ m, note: m.note, key: tsNumber(m.ts), order: c.messages.length + i })),
  ].sort((a, b) => a.key - b.key || a.order - b.order);
  const list = el('div', { className: 'messages', 'data-testid': 'messages', 'data-conversation-id': c.id });
  if (items.length === 0) list.append(el('div', { className: 'empty', text: 'No messages yet. Run the weekly jobs or advance the clock to see what Pacer sends.' }));
  for (const { m, note } of items) list.append(messageNode(m, c.id, note));
  redrawPane(list);
  els.pane.scrollTop = els.pane.scrollHeight;
  state.seen.set(localKey(c.id), c.messages.length);
}

// ---------------------------------------------------------------------------------------------
// Home

async function renderHome() {
  const generation = state.generation;
  els.title.textContent = 'Home';
  els.subtitle.textContent = 'Pacer’s App Home tab';
  const data = await api('POST', 'home', { user: state.user });
  if (generation !== state.generation || state.pane !== 'home') return;
  const home = el('section', { className: 'home', 'data-testid': 'home', 'data-source': 'home' });
  if (data.view) home.append(serverHtml(data.view.html));
  else home.append(el('div', { className: 'empty', text: 'Pacer has not published a Home for this person.' }));
  const local = state.local.get(localKey('home')) ?? [];
  const children = [home];
  if (local.length > 0) {
    const replies = el('div', { className: 'messages home-replies', 'data-testid': 'home-replies' }, el('div', { className: 'nav-heading', text: 'Replies to your clicks' }));
    for (const m of local) replies.append(messageNode(m, 'home', m.note));
    children.push(replies);
  }
  redrawPane(...children);
  refocusOpener();
}

// ---------------------------------------------------------------------------------------------
// Panes

async function openPane(pane) {
  state.pane = pane;
  if (drawerOpen()) {
    setDrawer(false, { focus: false });
    els.pane.focus({ preventScroll: true });
  }
  saveLocation();
  renderConversationList();
  const isHome = pane === 'home';
  els.composer.disabled = isHome;
  els.composer.placeholder = isHome ? 'Slash commands run in a conversation: pick Pacer or a channel' : 'Type /mykpis or /teamkpis (try /mykpis last week, /mykpis @Name)';
  els.hint.textContent = '';
  if (isHome) {
    els.pane.replaceChildren(el('div', { className: 'empty', text: 'Opening the App Home…' }));
    await renderHome();
    return;
  }
  const c = state.conversations.find((x) => x.id === pane);
  if (c) renderConversation(c);
  renderConversationList();
}

async function refreshPane() {
  if (state.pane === 'home') {
    await renderHome();
    return;
  }
  const c = state.conversations.find((x) => x.id === state.pane);
  if (c) renderConversation(c);
  renderConversationList();
}

function arrivedText(arrived) {
  if (arrived.length === 0) return 'No new messages.';
  return `New: ${arrived.map((a) => `${a.count} in ${a.title}`).join(', ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Composer

const COMMAND = /^\/(mykpis|teamkpis)(?:\s+([\s\S]*))?$/;

async function submitComposer(event) {
  event.preventDefault();
  const value = els.composer.value.trim();
  if (value === '') return;
  const match = COMMAND.exec(value);
  if (!match) {
    els.hint.textContent = value.startsWith('/')
      ? `${value.split(/\s/)[0]} is not one of Pacer’s commands here. Try /mykpis, /mykpis last, /teamkpis or /teamkpis help.`
      : 'The sandbox runs Pacer’s slash commands only: /mykpis or /teamkpis, with arguments (e.g. /mykpis last).';
    return;
  }
  const command = `/${match[1]}`;
  const text = (match[2] ?? '').trim();
  const pane = state.pane;
  const generation = state.generation;
  els.hint.textContent = '';
  els.composer.disabled = true;
  setStatus(`Running ${value}…`);
  try {
    const data = await api('POST', 'command', { user: state.user, command, text });
    if (generation !== state.generation) return;
    addLocal(pane, data.responses, `in answer to ${value}`);
    els.composer.value = '';
    await loadConversations();
    if (state.pane === pane) await refreshPane();
    setStatus(`${value}: ${data.responses.length === 0 ? 'no answer' : data.responses.length === 1 ? '1 answer' : `${data.responses.length} answers`}.`);
  } catch (err) {
    showError(err);
  } finally {
    els.composer.disabled = state.pane === 'home';
    els.composer.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Clicks

function sourceOf(node) {
  if (els.modal.contains(node) && state.modal) return { kind: 'modal', viewId: state.modal.id };
  if (node.closest('[data-source="home"]')) return { kind: 'home' };
  const message = node.closest('.message');
  if (message && message.dataset.channel && message.dataset.channel !== 'home') return { kind: 'message', channel: message.dataset.channel, ts: message.dataset.ts };
  return null;
}

async function sendClick(control, click, label, { refresh = true } = {}) {
  const generation = state.generation;
  const pane = state.pane;
  control.disabled = true;
  setStatus(`Clicked “${label}”…`);
  try {
    const data = await api('POST', 'click', { user: state.user, click });
    if (generation !== state.generation) return;
    addLocal(click.source.kind === 'home' ? 'home' : pane, data.responses, `after “${label}”`);
    if (data.modal) showModal(data.modal);
    else if (click.source.kind === 'modal') closeModal();
    await loadConversations();
    if (refresh && state.pane === pane) await refreshPane();
    const parts = [`Clicked “${label}”`];
    if (data.modal) parts.push(`a modal is open (${data.modal.title ?? 'untitled'})`);
    parts.push(data.responses.length === 0 ? 'no reply' : data.responses.length === 1 ? '1 reply' : `${data.responses.length} replies`);
    setStatus(`${parts.join(': ')}.`);
  } catch (err) {
    showError(err);
  } finally {
    if (control.isConnected) control.disabled = false;
    refocusOpener();
  }
}

function onButton(event) {
  const button = event.target instanceof Element ? event.target.closest('button[data-action-id]') : null;
  if (!button) return;
  const source = sourceOf(button);
  if (!source) return;
  event.preventDefault();
  const { actionId, blockId, value, url, confirm } = button.dataset;
  if (confirm && !window.confirm(confirm)) return;
  const label = button.textContent ?? actionId;
  const click = { actionId, blockId: blockId ?? '', source };
  if (value !== undefined) click.value = value;
  remember(button);
  // Slack opens a link button's URL and still tells the app about the click. A slack://app link
  // opens the viewer's App Home, as the Slack client does.
  const home = url !== undefined && url.startsWith('slack://app');
  if (url && /^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
  if (home) void openPane('home').catch(showError);
  void sendClick(button, click, label, { refresh: !home });
}

function onSelect(event) {
  const select = event.target instanceof HTMLSelectElement && event.target.matches('select[data-action-id]') ? event.target : null;
  if (!select || select.value === '') return;
  const source = sourceOf(select);
  if (!source) return;
  const option = select.selectedOptions[0];
  const text = option ? (option.textContent ?? '') : select.value;
  const click = { actionId: select.dataset.actionId, blockId: select.dataset.blockId ?? '', selectedOption: { value: select.value, text }, source };
  remember(select);
  void sendClick(select, click, text);
}

// ---------------------------------------------------------------------------------------------
// Modal

/**
 * Where focus goes back when the modal closes: the control that opened it, or (when the pane was
 * drawn again meanwhile) the control with the same action in its place.
 */
function remember(control) {
  if (state.modal) return;
  state.opener = { node: control, selector: controlSelector(control) };
}

/** The opener, or the control that took its place, when it can take focus. */
function focusTarget(opener) {
  const target = opener.node.isConnected ? opener.node : els.pane.querySelector(opener.selector);
  return target instanceof HTMLElement && !target.hasAttribute('disabled') ? target : null;
}

function restoreFocus() {
  const opener = state.opener;
  state.opener = null;
  if (!opener) return;
  const target = focusTarget(opener);
  if (target) {
    target.focus();
    return;
  }
  els.pane.focus();
  state.refocus = opener;
}

/** Gives focus to a modal's opener that could not take it when the modal closed. */
function refocusOpener() {
  if (!state.refocus || state.modal) return;
  const target = focusTarget(state.refocus);
  if (!target) return;
  state.refocus = null;
  // Only if focus has not moved on meanwhile.
  if (document.activeElement === els.pane || document.activeElement === document.body) target.focus();
}

const FOCUSABLE = 'a[href], button:not([disabled]), select:not([disabled]), input:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The controls Tab reaches inside `root`, in order (hidden ones left out). */
function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((n) => n instanceof HTMLElement && n.getClientRects().length > 0);
}

/** Tab and Shift-Tab go round the controls of `root`; focus that has left it comes back. */
function cycleFocus(event, root) {
  const items = focusables(root);
  event.preventDefault();
  if (items.length === 0) {
    root.focus();
    return;
  }
  const at = items.indexOf(document.activeElement);
  const next = at === -1 ? (event.shiftKey ? items.length - 1 : 0) : (at + (event.shiftKey ? -1 : 1) + items.length) % items.length;
  items[next].focus();
}

/** While a modal is open the rest of the page is inert: no clicks, no focus, hidden from screen readers. */
function setBackgroundInert(inert) {
  for (const node of [els.topbar, els.layout]) node.inert = inert;
}

function showModal(modal) {
  const opening = !state.modal;
  state.modal = modal;
  els.modal.dataset.viewId = modal.id;
  els.modalTitle.textContent = modal.title ?? '';
  els.modalClose.textContent = modal.closeLabel || 'Close';
  els.modalBody.replaceChildren(serverHtml(modal.html));
  els.backdrop.hidden = false;
  setBackgroundInert(true);
  if (opening || !els.modal.contains(document.activeElement)) els.modalClose.focus();
}

function closeModal({ restore = true } = {}) {
  const wasOpen = state.modal !== null;
  state.modal = null;
  els.backdrop.hidden = true;
  els.modalBody.replaceChildren();
  delete els.modal.dataset.viewId;
  setBackgroundInert(false);
  if (wasOpen && restore) restoreFocus();
  else if (!wasOpen) state.opener = null;
  if (!restore) state.refocus = null;
}

// ---------------------------------------------------------------------------------------------
// Sidebar drawer (narrow screens)

const narrow = () => window.matchMedia('(max-width: 720px)').matches;

function setDrawer(open, { focus = true } = {}) {
  document.body.classList.toggle('nav-open', open);
  els.navToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  els.scrim.hidden = !open;
  if (!focus) return;
  if (open) els.picker.focus();
  else els.navToggle.focus();
}

const drawerOpen = () => document.body.classList.contains('nav-open');

// ---------------------------------------------------------------------------------------------
// Top bar

async function runJobs() {
  setBusy(els.runJobs, true);
  setStatus('Running the weekly jobs…');
  try {
    const result = await api('POST', 'jobs/run', {});
    showClock(result);
    const arrived = await loadConversations();
    await refreshPane();
    setStatus(`Ran the weekly jobs. ${result.summary} ${arrivedText(arrived)}`, result.failed > 0 ? 'warning' : 'info');
  } catch (err) {
    showError(err);
  } finally {
    setBusy(els.runJobs, false);
  }
}

async function advanceClock() {
  setBusy(els.advance, true);
  setStatus('Advancing the clock a week…');
  try {
    const result = await api('POST', 'clock/advance', { days: 7 });
    showClock(result);
    const arrived = await loadConversations();
    await refreshPane();
    const events = `${result.events.toLocaleString('en-US')} ${result.events === 1 ? 'event' : 'events'} of the demo org’s activity`;
    setStatus(`Advanced the clock ${result.days} days to ${result.label}: ${events}. ${result.summary} ${arrivedText(arrived)}`, result.failed > 0 ? 'warning' : 'info');
  } catch (err) {
    showError(err);
  } finally {
    setBusy(els.advance, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Start

function wire() {
  els.picker.addEventListener('change', () => void selectPerson(els.picker.value).catch(showError));
  els.home.addEventListener('click', () => void openPane('home').catch(showError));
  els.form.addEventListener('submit', (e) => void submitComposer(e));
  els.runJobs.addEventListener('click', () => void runJobs());
  els.advance.addEventListener('click', () => void advanceClock());
  els.pane.addEventListener('click', onButton);
  els.modal.addEventListener('click', onButton);
  els.pane.addEventListener('change', onSelect);
  els.modal.addEventListener('change', onSelect);
  els.modalClose.addEventListener('click', () => closeModal());
  els.modalX.addEventListener('click', () => closeModal());
  els.backdrop.addEventListener('click', (e) => {
    if (e.target === els.backdrop) closeModal();
  });
  els.navToggle.addEventListener('click', () => setDrawer(!drawerOpen()));
  els.scrim.addEventListener('click', () => setDrawer(false));
  window.matchMedia('(max-width: 720px)').addEventListener('change', () => {
    if (!narrow() && drawerOpen()) setDrawer(false, { focus: false });
  });
  document.addEventListener('keydown', (e) => {
    if (state.modal) {
      if (e.key === 'Escape') {
        e.preventDefault();
        closeModal();
      } else if (e.key === 'Tab') {
        cycleFocus(e, els.modal);
      }
    } else if (drawerOpen() && narrow()) {
      if (e.key === 'Escape') setDrawer(false);
      // The open drawer holds focus as a modal does, until Escape or a pick closes it.
      else if (e.key === 'Tab') cycleFocus(e, els.sidebar);
    }
  });
  // Focus that lands outside an open modal (a click on the backdrop's edge, the address bar) comes back.
  document.addEventListener('focusin', (e) => {
    if (state.modal && e.target instanceof Element && !els.modal.contains(e.target)) els.modalClose.focus();
  });
}

async function start() {
  wire();
  try {
    const [people] = await Promise.all([api('GET', 'people'), loadClock()]);
    state.people = people.people;
    fillPicker();
    if (state.people.length === 0) {
      setStatus('The sandbox has nobody in it yet.', 'warning');
      return;
    }
    const params = new URLSearchParams(location.hash.slice(1));
    const wanted = params.get('user');
    const first = state.people.find((p) => p.slackUserId === wanted) ?? state.people.find((p) => p.role === 'manager') ?? state.people[0];
    await selectPerson(first.slackUserId, params.get('view') ?? undefined);
    setStatus(`Viewing Slack as ${first.name}. Pick anyone ${narrow() ? 'under ☰' : 'on the left'}.`);
  } catch (err) {
    showError(err);
  }
}

void start();
