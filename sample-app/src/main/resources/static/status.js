// Polls the actuator every second and draws one card per node, with a lag chart.
const history = {};
const HISTORY = 60;

function el(tag, attributes, text) {
  const element = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([key, value]) => element.setAttribute(key, value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function drawLag(canvas, values, maxLagMs) {
  const context = canvas.getContext('2d');
  const width = canvas.width = canvas.clientWidth || 280;
  const height = canvas.height = 48;
  context.clearRect(0, 0, width, height);
  const top = Math.max(maxLagMs * 1.5, ...values, 1);
  context.strokeStyle = '#f59e0b';
  context.setLineDash([4, 3]);
  const limit = height - (maxLagMs / top) * height;
  context.beginPath(); context.moveTo(0, limit); context.lineTo(width, limit); context.stroke();
  context.setLineDash([]);
  context.strokeStyle = '#2563eb';
  context.lineWidth = 2;
  context.beginPath();
  values.forEach((value, index) => {
    const x = (index / (HISTORY - 1)) * width;
    const y = height - (value / top) * (height - 2) - 1;
    if (index === 0) context.moveTo(x, y); else context.lineTo(x, y);
  });
  context.stroke();
}

function card(node, maxLagMs) {
  const state = node.state || 'unknown';
  const article = el('article', { class: 'node ' + state, 'data-node': node.name, 'data-state': state });
  const title = el('h2');
  title.append(el('span', {}, node.name + ' (' + node.role + ')'), el('span', { class: 'state' }, state));
  article.append(title, el('div', { class: 'detail' }, node.detail || ''));
  const facts = el('dl');
  const routed = Object.entries(node.routed || {}).map(([reason, count]) => reason + ' ' + count).join(', ') || 'none';
  const rows = [
    ['eligible', node.eligible ? 'yes' : 'no'],
    ['lag', (node.lagMs || 0) + ' ms / ' + (node.lagBytes || 0) + ' bytes'],
    ['WAL', node.walLsn || ''],
    ['routed', routed],
  ];
  if (node.group) {
    rows.push(['group', node.group]);
  }
  if (node.zone) {
    rows.push(['zone', node.zone]);
  }
  if (node.pool) {
    rows.push(['pool', node.pool.active + ' active / ' + node.pool.max + ' max, ' + node.pool.waiting + ' waiting']);
  }
  rows.forEach(([name, value]) => facts.append(el('dt', {}, name), el('dd', { 'data-fact': name }, value)));
  article.append(facts);
  if (node.pool) {
    const bar = el('div', { class: 'bar' + (node.pool.saturated ? ' saturated' : '') });
    const fill = el('span');
    fill.style.width = Math.round(100 * node.pool.active / Math.max(node.pool.max, 1)) + '%';
    bar.append(fill);
    article.append(bar);
  }
  if (node.role === 'replica') {
    const canvas = el('canvas', { title: 'lag over the last minute; dashed: max-lag' });
    article.append(canvas);
    requestAnimationFrame(() => drawLag(canvas, history[node.name], maxLagMs));
  }
  return article;
}

async function refresh() {
  try {
    const [replication, health] = await Promise.all([
      fetch('actuator/replication').then((response) => response.json()),
      fetch('actuator/health').then((response) => response.json()),
    ]);
    const maxLagMs = replication.settings.maxLagMs;
    replication.nodes.forEach((node) => {
      const values = history[node.name] || (history[node.name] = new Array(HISTORY).fill(0));
      values.push(node.lagMs || 0);
      values.splice(0, values.length - HISTORY);
    });
    const overall = document.getElementById('overall');
    overall.textContent = health.status;
    overall.className = health.status;
    document.getElementById('settings').textContent = 'balancing ' + replication.settings.balancing
      + ' · consistency ' + replication.settings.consistencyMode + ' · max-lag ' + maxLagMs + ' ms'
      + ' · fallback ' + replication.settings.fallback;
    const topology = replication.topology;
    const source = document.getElementById('topology');
    if (topology && source) {
      source.textContent = 'topology ' + topology.source + ' (' + topology.origin + ')'
        + (topology.leader ? ' · leader ' + topology.leader : '')
        + ' · changed ' + new Date(topology.lastChanged).toLocaleTimeString()
        + (topology.reachable ? '' : ' · UNREACHABLE: ' + topology.problem);
      source.className = topology.reachable ? '' : 'DEGRADED';
    }
    const nodes = document.getElementById('nodes');
    nodes.replaceChildren(...replication.nodes.map((node) => card(node, maxLagMs)));
    document.getElementById('updated').textContent = 'Last update ' + new Date().toLocaleTimeString() + '.';
  } catch (error) {
    document.getElementById('overall').textContent = 'unreachable';
    document.getElementById('overall').className = 'DOWN';
  }
}

refresh();
setInterval(refresh, 1000);
