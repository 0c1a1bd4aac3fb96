// The /budget page: renders one budget status (budget.json) at once, then each one /budget/events sends per second.
'use strict';

const HISTORY_POINTS = 300; // five minutes at one status per second
const history = {};         // class name -> [{at, inUse}]

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function row(cells) {
  const tr = el('tr');
  cells.forEach(c => tr.appendChild(el('td', {}, c)));
  return tr;
}

function classSection(name) {
  let section = document.querySelector(`.budget-class[data-class="${name}"]`);
  if (section) return section;
  section = el('section', {'class': 'budget-class', 'data-class': name});
  section.appendChild(el('h2', {}, name));
  const counts = el('div', {'class': 'counts'});
  counts.innerHTML = 'in use <span class="in-use"></span> · available <span class="available"></span>'
    + ' · total <span class="permits"></span>';
  section.appendChild(counts);
  const table = el('table', {'class': 'holders'});
  table.innerHTML = '<thead><tr><th>member</th><th>pid</th><th>owner</th><th>pool</th><th>held</th></tr></thead><tbody></tbody>';
  section.appendChild(table);
  // Pools waiting for a permit, cluster-wide (recorded by their members; reading them takes no permit).
  const waiters = el('table', {'class': 'waiters'});
  waiters.innerHTML = '<thead><tr><th>waiting member</th><th>pid</th><th>owner</th><th>pool</th><th>waiting</th>'
    + '<th>since</th></tr></thead><tbody></tbody>';
  section.appendChild(waiters);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'history');
  svg.setAttribute('width', '600');
  svg.setAttribute('height', '120');
  svg.setAttribute('viewBox', '0 0 600 120');
  section.appendChild(svg);
  document.getElementById('classes').appendChild(section);
  return section;
}

function drawHistory(svg, points, permits) {
  const w = 600, h = 120, top = 8;
  // At least a minute wide, so that a page just opened shows a readable line rather than a dot at the right edge.
  const span = Math.max(points.length, 60);
  const x = i => (w * (span - points.length + i)) / (span - 1);
  const y = v => h - 4 - ((h - 4 - top) * v) / Math.max(permits, 1);
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.inUse).toFixed(1)}`).join(' ');
  svg.innerHTML = `<line class="cap" x1="0" x2="${w}" y1="${y(permits)}" y2="${y(permits)}"></line>`
    + `<polyline class="line" points="${line}"></polyline>`
    + `<text x="4" y="${top + 10}" font-size="11" fill="#59636e">in use over the last ${points.length} s (cap ${permits})</text>`;
}

function render(status) {
  const meta = document.getElementById('meta');
  if (status.error) {
    meta.textContent = 'budget unavailable: ' + status.error;
    meta.className = 'stale';
    return;
  }
  meta.className = '';
  meta.textContent = `${status.total} physical connections · as of ${new Date(status.at).toLocaleTimeString()}`
    + ` · served by pid ${status.pid}`;
  Object.entries(status.classes).forEach(([name, c]) => {
    const section = classSection(name);
    section.querySelector('.in-use').textContent = c.inUse;
    section.querySelector('.available').textContent = c.available;
    section.querySelector('.permits').textContent = c.permits;
    const body = section.querySelector('.holders tbody');
    body.replaceChildren(...c.holders.map(h => {
      const tr = row([h.member, h.pid, h.owner, h.pool, h.held]);
      tr.setAttribute('data-owner', h.owner);
      return tr;
    }));
    if (c.holders.length === 0) {
      body.appendChild(el('tr', {'class': 'empty'})).appendChild(el('td', {colspan: 5}, 'no holders'));
    }
    const waiting = section.querySelector('.waiters tbody');
    const waiters = c.waiters || [];
    waiting.replaceChildren(...waiters.map(w => {
      const seconds = Math.max(0, Math.round((status.at - Date.parse(w.waitingSince)) / 1000));
      const tr = row([w.member, w.pid, w.owner, w.pool, w.waiting,
        `${new Date(w.waitingSince).toLocaleTimeString()} (${seconds} s)`]);
      tr.setAttribute('data-owner', w.owner);
      return tr;
    }));
    if (waiters.length === 0) {
      waiting.appendChild(el('tr', {'class': 'empty'})).appendChild(el('td', {colspan: 6}, 'no pool waits for a permit'));
    }
    const points = history[name] || (history[name] = []);
    if (points.length === 0 || points[points.length - 1].at !== status.at) points.push({at: status.at, inUse: c.inUse});
    if (points.length > HISTORY_POINTS) points.splice(0, points.length - HISTORY_POINTS);
    drawHistory(section.querySelector('svg.history'), points, c.permits);
  });
  const pools = document.querySelector('#local-pools tbody');
  pools.replaceChildren(...(status.localPools || []).map(p => {
    const tr = row([p.pool, p.owner, p.class, p.permitsHeld, p.total, p.idle, p.inUse, p.waiting]);
    tr.setAttribute('data-owner', p.owner);
    if (p.waiting > 0) tr.setAttribute('class', 'waiting');
    return tr;
  }));
}

fetch('budget.json').then(r => r.json()).then(render).catch(err => render({error: String(err)}));
const events = new EventSource('budget/events');
events.onmessage = e => render(JSON.parse(e.data));
events.onerror = () => {
  const meta = document.getElementById('meta');
  meta.className = 'stale';
  meta.textContent += ' · reconnecting…';
};
