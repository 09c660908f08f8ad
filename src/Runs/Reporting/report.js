'use strict';
// report.html's behaviour: the elites table (filter, sort, top/bottom N) and, for a class chosen
// in the heat-map or the table, its elite and its confidence over generations.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const byIndex = new Map(data.elites.map(e => [e.index, e]));
  const table = document.getElementById('elites');
  const state = { sort: 'index', descending: false, selected: null };
  const filter = document.getElementById('filter');
  const view = document.getElementById('view');
  const count = document.getElementById('count');
  const svg = 'http://www.w3.org/2000/svg';

  // Elites matching the filter, cut to the top or bottom N by confidence, then sorted.
  function visibleElites() {
    const needle = filter.value.trim().toLowerCase();
    let list = data.elites.filter(e => !needle || e.label.toLowerCase().includes(needle));
    if (view.value !== 'all') {
      const n = Math.max(1, Number(count.value) || 1);
      list = [...list].sort((a, b) => b.confidence - a.confidence || a.index - b.index);
      list = view.value === 'top' ? list.slice(0, n) : list.slice(-n);
    }
    const sign = state.descending ? -1 : 1;
    return [...list].sort((a, b) => sign * (a[state.sort] - b[state.sort]) || a.index - b.index);
  }

  function renderTable() {
    const rows = visibleElites();
    const body = document.createElement('tbody');
    for (const e of rows) {
      const row = body.insertRow();
      row.dataset.cell = e.index;
      row.classList.toggle('on', e.index === state.selected);
      const image = document.createElement('img');
      image.src = e.thumb;
      image.alt = e.label;
      image.loading = 'lazy';
      row.insertCell().append(image);
      const label = row.insertCell();
      label.className = 'label';
      label.textContent = e.label;
      const confidence = row.insertCell();
      confidence.textContent = e.percent;
      confidence.classList.toggle('fool', e.confidence >= 0.9999);
      row.insertCell().textContent = e.generation;
      const link = document.createElement('a');
      link.href = e.href;
      link.textContent = e.href;
      link.addEventListener('click', event => event.stopPropagation());
      row.insertCell().append(link);
    }
    table.tBodies[0].replaceWith(body);
    document.getElementById('shown').textContent = `${rows.length} of ${data.elites.length} elites shown`;
    for (const th of table.tHead.rows[0].cells) {
      th.classList.toggle('sorted-asc', th.dataset.sort === state.sort && !state.descending);
      th.classList.toggle('sorted-desc', th.dataset.sort === state.sort && state.descending);
    }
    // The heat-map fades the classes the filter leaves out.
    const shown = new Set(rows.map(e => e.index));
    const filtering = filter.value.trim() !== '' || view.value !== 'all';
    for (const square of document.querySelectorAll('#heatmap .sq')) {
      square.classList.toggle('dim', filtering && !shown.has(Number(square.dataset.cell)));
    }
  }

  // A line chart of one class's confidence in nines over generations, with 99% and 99.99% marked.
  function historyChart(cell) {
    const width = 520, height = 200, left = 40, right = 10, top = 10, bottom = 30;
    const generations = data.generations;
    const nines = data.nines[cell] || [];
    const first = generations[0] ?? 0, last = generations[generations.length - 1] ?? 1;
    const x = g => left + (width - left - right) * (last > first ? (g - first) / (last - first) : 0.5);
    const y = v => top + (height - top - bottom) * (1 - Math.min(8, Math.max(0, v)) / 8);
    const chart = document.createElementNS(svg, 'svg');
    chart.setAttribute('width', width);
    chart.setAttribute('height', height);
    chart.setAttribute('role', 'img');
    const add = (name, attributes, text) => {
      const element = document.createElementNS(svg, name);
      for (const [key, value] of Object.entries(attributes)) {
        element.setAttribute(key, value);
      }
      if (text !== undefined) {
        element.textContent = text;
      }
      chart.append(element);
    };
    add('rect', { x: left, y: top, width: width - left - right, height: height - top - bottom, fill: 'none', stroke: '#999' });
    for (const [value, text] of [[2, '99%'], [4, '99.99%']]) {
      add('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), stroke: '#999', 'stroke-dasharray': '4 3' });
      add('text', { x: left + 4, y: y(value) - 3, 'font-size': 11, fill: '#666' }, text);
    }
    for (const value of [0, 2, 4, 6, 8]) {
      add('text', { x: left - 6, y: y(value) + 4, 'font-size': 11, 'text-anchor': 'end' }, value);
    }
    add('text', { x: left, y: height - 8, 'font-size': 11 }, `generation ${first}`);
    add('text', { x: width - right, y: height - 8, 'font-size': 11, 'text-anchor': 'end' }, `${last}`);
    const points = nines.map((v, i) => `${x(generations[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    add('polyline', { points, fill: 'none', stroke: '#1f77b4', 'stroke-width': 2 });
    if (nines.length === 1) {
      add('circle', { cx: x(generations[0]), cy: y(nines[0]), r: 3, fill: '#1f77b4' });
    }
    return chart;
  }

  function select(cell) {
    state.selected = cell;
    for (const square of document.querySelectorAll('#heatmap .sq')) {
      square.classList.toggle('on', Number(square.dataset.cell) === cell);
    }
    for (const row of table.tBodies[0].rows) {
      row.classList.toggle('on', Number(row.dataset.cell) === cell);
    }
    const panel = document.getElementById('selected');
    const elite = byIndex.get(cell);
    const square = document.querySelector(`#heatmap .sq[data-cell="${cell}"]`);
    const heading = document.createElement('h3');
    heading.textContent = square ? square.title : `class ${cell}`;
    const facts = document.createElement('p');
    const picture = document.createElement('div');
    if (elite) {
      const image = document.createElement('img');
      image.alt = elite.label;
      image.src = elite.href;
      image.onerror = () => { image.onerror = null; image.src = elite.thumb; };
      const link = document.createElement('a');
      link.href = elite.href;
      link.append(image);
      picture.append(link);
      facts.textContent = `found in generation ${elite.generation}; confidence in nines over generations:`;
    } else {
      facts.textContent = 'no elite yet';
    }
    const text = document.createElement('div');
    text.append(heading, facts, historyChart(cell));
    panel.replaceChildren(picture, text);
    panel.hidden = false;
  }

  document.getElementById('heatmap').addEventListener('click', event => {
    const square = event.target.closest('.sq');
    if (square) {
      select(Number(square.dataset.cell));
    }
  });
  table.tBodies[0].parentElement.addEventListener('click', event => {
    const row = event.target.closest('tbody tr');
    if (row) {
      select(Number(row.dataset.cell));
      document.getElementById('selected').scrollIntoView({ block: 'nearest' });
    }
  });
  table.tHead.addEventListener('click', event => {
    const th = event.target.closest('th[data-sort]');
    if (!th) {
      return;
    }
    state.descending = th.dataset.sort === state.sort ? !state.descending : th.dataset.sort === 'confidence';
    state.sort = th.dataset.sort;
    renderTable();
  });
  for (const control of [filter, view, count]) {
    control.addEventListener('input', renderTable);
  }
  renderTable();
})();
