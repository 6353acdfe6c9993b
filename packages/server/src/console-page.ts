/**
 * The web console served at `/`: one server-rendered page with a little plain JavaScript (no
 * build step, nothing to download) over the HTTP API. It holds no data itself: everything comes
 * from the API with the token the user types, kept in the tab's sessionStorage.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>exportkit</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
  header { background: #24324a; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 16px; }
  section { border: 1px solid #ccd; border-radius: 6px; padding: 12px; }
  h2 { margin: 0 0 8px; font-size: 16px; }
  textarea { width: 100%; height: 260px; font: 13px/1.4 monospace; box-sizing: border-box; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid #eee; padding: 4px; text-align: left; vertical-align: top; }
  .problem { color: #a00; }
  .ok { color: #070; }
  .wide { grid-column: 1 / 3; }
  #login[hidden], #app[hidden] { display: none; }
  ul { margin: 4px 0; padding-left: 18px; }
</style>
</head>
<body>
<header><strong>exportkit</strong><span id="who"></span></header>
<form id="login" style="padding:16px">
  <label>API token <input id="token" type="password" size="50" autocomplete="off"></label>
  <button type="submit">Log in</button> <span id="login-error" class="problem"></span>
</form>
<main id="app" hidden>
  <section>
    <h2>Templates</h2>
    <ul id="templates"></ul>
    <label>Name <input id="name" pattern="[A-Za-z0-9][A-Za-z0-9._-]*"></label>
    <textarea id="editor" spellcheck="false" placeholder="XML or YAML"></textarea>
    <div id="problems"></div>
    <button id="save">Save</button> <button id="run">Run now</button> <span id="status"></span>
  </section>
  <section>
    <h2>Columns</h2>
    <input id="search" placeholder="search columns" size="30">
    <table><thead><tr><th>provider</th><th>column</th><th>type</th><th>description</th></tr></thead><tbody id="columns"></tbody></table>
  </section>
  <section class="wide">
    <h2>Runs</h2>
    <table><thead><tr><th>template</th><th>state</th><th>progress</th><th>rows</th><th>files</th><th></th></tr></thead><tbody id="runs"></tbody></table>
  </section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const api = async (path, init = {}) => {
  const response = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + sessionStorage.token, ...(init.headers || {}) } });
  if (response.status === 401) { showLogin('the token was refused'); throw new Error('unauthorised'); }
  return response;
};
function showLogin(message) { $('app').hidden = true; $('login').hidden = false; $('login-error').textContent = message || ''; }
$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.token = $('token').value.trim();
  if ((await fetch('/templates', { headers: { authorization: 'Bearer ' + sessionStorage.token } })).ok) start();
  else showLogin('the token was refused');
});
async function start() {
  $('login').hidden = true; $('app').hidden = false;
  await Promise.all([loadTemplates(), loadColumns(), loadRuns()]);
  setInterval(loadRuns, 1000);
}
async function loadTemplates() {
  const { templates } = await (await api('/templates')).json();
  $('templates').innerHTML = templates.map((n) => '<li><a href="#" data-name="' + esc(n) + '">' + esc(n) + '</a></li>').join('');
}
$('templates').addEventListener('click', async (event) => {
  const name = event.target.dataset && event.target.dataset.name;
  if (!name) return;
  event.preventDefault();
  $('name').value = name;
  $('editor').value = await (await api('/templates/' + encodeURIComponent(name))).text();
  validate();
});
let catalogue = [];
async function loadColumns() {
  const { providers } = await (await api('/catalogue')).json();
  catalogue = providers.flatMap((p) => p.columns.map((c) => ({ provider: p.name, ...c })));
  showColumns();
}
function showColumns() {
  const q = $('search').value.toLowerCase();
  $('columns').innerHTML = catalogue
    .filter((c) => !q || (c.name + ' ' + (c.description || '')).toLowerCase().includes(q))
    .slice(0, 200)
    .map((c) => '<tr><td>' + esc(c.provider) + '</td><td>' + esc(c.name) + '</td><td>' + esc(c.type) + '</td><td>' + esc(c.description || '') + '</td></tr>')
    .join('');
}
$('search').addEventListener('input', showColumns);
const typeOf = (text) => (/^\\s*</.test(text) ? 'application/xml' : 'application/yaml');
let validating = 0;
async function validate() {
  const name = $('name').value, text = $('editor').value, mine = ++validating;
  if (!name || !text.trim()) { $('problems').innerHTML = ''; return; }
  const response = await api('/templates/' + encodeURIComponent(name) + '/validate', { method: 'POST', body: text, headers: { 'content-type': typeOf(text) } });
  if (mine !== validating) return;
  const body = await response.json();
  if (!response.ok) { $('problems').innerHTML = '<p class="problem">' + esc(body.error) + '</p>'; return; }
  $('problems').innerHTML = body.problems.length === 0
    ? '<p class="ok">no problems</p>'
    : '<ul>' + body.problems.map((p) => '<li class="problem">line ' + esc(p.line ?? '?') + ': ' + (p.element ? esc(p.element) + ': ' : '') + esc(p.message) + (p.suggestion ? ' (did you mean ' + esc(p.suggestion) + '?)' : '') + '</li>').join('') + '</ul>';
}
let timer;
for (const id of ['editor', 'name']) $(id).addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(validate, 300); });
$('save').addEventListener('click', async () => {
  const text = $('editor').value;
  const response = await api('/templates/' + encodeURIComponent($('name').value), { method: 'PUT', body: text, headers: { 'content-type': typeOf(text) } });
  $('status').textContent = response.ok ? 'saved' : (await response.json()).error;
  await loadTemplates();
});
$('run').addEventListener('click', async () => {
  const response = await api('/runs', { method: 'POST', body: JSON.stringify({ template: $('name').value }), headers: { 'content-type': 'application/json' } });
  $('status').textContent = response.ok ? 'queued' : (await response.json()).error;
  await loadRuns();
});
async function loadRuns() {
  const { runs } = await (await api('/runs?limit=20')).json();
  $('runs').innerHTML = runs.map((r) => {
    const files = (r.exports || []).flatMap((e) => e.files.map((f) => f.split('/').pop()));
    const p = r.progress;
    const rows = p ? p.rows : (r.exports || []).reduce((n, e) => n + e.rows, 0);
    // While it runs: rows against the planner's estimate when there is one, else a moving bar.
    const bar = r.state === 'running'
      ? (p && p.estimate ? '<progress value="' + Math.min(p.rows, p.estimate) + '" max="' + p.estimate + '"></progress>' : '<progress></progress>') + (p && p.phase ? ' ' + esc(p.phase) : '')
      : r.state === 'queued' ? '<progress value="0" max="1"></progress>' : '<progress value="1" max="1"></progress>';
    return '<tr data-run="' + esc(r.id) + '"><td>' + esc(r.template) + '</td><td class="state">' + esc(r.state) + (r.error ? ': ' + esc(r.error) : '') +
      '</td><td>' + bar + '</td><td>' + rows + '</td><td>' +
      files.map((f) => '<a class="download" href="#" data-run="' + esc(r.id) + '" data-file="' + esc(f) + '">' + esc(f) + '</a>').join('<br>') +
      '</td><td>' + (r.state === 'queued' || r.state === 'running' ? '<button class="cancel" data-run="' + esc(r.id) + '">Cancel</button>' : '') + '</td></tr>';
  }).join('');
}
$('runs').addEventListener('click', async (event) => {
  const { run, file } = event.target.dataset || {};
  if (event.target.classList.contains('cancel')) await api('/runs/' + run + '/cancel', { method: 'POST' });
  if (event.target.classList.contains('download')) {
    event.preventDefault();
    // The token goes in a header, so the file is fetched and handed to the browser as a blob.
    const blob = await (await api('/runs/' + run + '/files/' + encodeURIComponent(file))).blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = file;
    link.click();
  }
  await loadRuns();
});
if (sessionStorage.token) start().catch(() => showLogin());
</script>
</body>
</html>
`;
