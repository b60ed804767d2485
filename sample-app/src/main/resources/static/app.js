// Polls /actuator/memberlist once a second and renders the member table; shows the node's
// events as they happen from the server-sent events of /events; sets a tag and broadcasts.
// Plain DOM, no framework and no build step; text goes in with textContent, never as HTML,
// since names, tags and messages come from other nodes.
(function () {
  'use strict';

  const POLL_MILLIS = 1000;
  const STATES = ['alive', 'suspect', 'dead', 'left'];

  const rows = document.getElementById('member-rows');
  const connection = document.getElementById('connection');
  const select = document.getElementById('message-to');
  let localName = null;
  let optionsKey = '';

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function render(data) {
    const local = data.local || {};
    localName = local.name || null;
    document.getElementById('local-name').textContent = local.name || 'this node';
    document.getElementById('local-address').textContent = local.address ? local.address + ':' + local.port : '';
    document.getElementById('health-score').textContent = data.healthScore;
    document.getElementById('health-score').className = 'value ' + (data.healthScore === 0 ? 'good' : 'bad');

    const members = data.members || [];
    document.getElementById('count-alive').textContent = members.filter((m) => m.state === 'alive').length;
    document.getElementById('count-all').textContent = members.length;

    const fragment = document.createDocumentFragment();
    for (const m of members) {
      const tr = el('tr');
      // data-* attributes: stable hooks for tests and for anyone scripting the page
      tr.dataset.member = m.name;
      tr.dataset.state = m.state;
      if (m.name === localName) tr.classList.add('local');

      const name = el('td', 'name', m.name);
      if (m.name === localName) name.appendChild(el('span', 'you', 'this node'));
      tr.appendChild(name);

      const state = el('td');
      state.appendChild(el('span', 'state state-' + (STATES.includes(m.state) ? m.state : 'unknown'), m.state));
      tr.appendChild(state);

      tr.appendChild(el('td', 'mono', m.address + ':' + m.port));

      const tags = el('td', 'tags');
      if (m.tags) {
        for (const [key, value] of Object.entries(m.tags)) {
          tags.appendChild(el('span', 'tag', key + '=' + value));
        }
      } else if (m.meta) {
        tags.appendChild(el('span', 'muted', m.meta));
      }
      tr.appendChild(tags);

      tr.appendChild(el('td', 'num mono', m.incarnation));
      fragment.appendChild(tr);
    }
    if (members.length === 0) {
      const tr = el('tr', 'placeholder');
      const td = el('td', null, 'No members: the node is not running.');
      td.colSpan = 5;
      tr.appendChild(td);
      fragment.appendChild(tr);
    }
    rows.replaceChildren(fragment);
    renderOptions(members.filter((m) => m.state === 'alive' || m.state === 'suspect'));
  }

  // rebuilt only when the set of members changes, so a choice in progress is not reset
  function renderOptions(members) {
    const key = members.map((m) => m.name).join('\n');
    if (key === optionsKey) return;
    optionsKey = key;
    const selected = select.value;
    select.replaceChildren(...members.map((m) => {
      const option = el('option', null, m.name + (m.name === localName ? ' (this node)' : ''));
      option.value = m.name;
      return option;
    }));
    if (members.some((m) => m.name === selected)) {
      select.value = selected;
    } else {
      // a message to another member is the interesting case
      const other = members.find((m) => m.name !== localName);
      if (other) select.value = other.name;
    }
  }

  function setConnection(ok, text) {
    connection.textContent = text;
    connection.className = 'connection ' + (ok ? 'ok' : 'error');
    document.body.classList.toggle('stale', !ok);
  }

  async function poll() {
    try {
      const response = await fetch('actuator/memberlist', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
      setConnection(true, 'live · ' + new Date().toLocaleTimeString());
    } catch (e) {
      setConnection(false, 'node unreachable (' + e.message + ')');
    } finally {
      // the next poll waits for this one, so a slow node never piles up requests
      setTimeout(poll, POLL_MILLIS);
    }
  }

  document.getElementById('message-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = document.getElementById('message-result');
    const text = document.getElementById('message-text');
    result.textContent = 'sending…';
    try {
      const response = await fetch('messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ to: select.value, text: text.value }),
      });
      const answer = await response.json();
      result.textContent = answer.sent ? 'sent to ' + answer.to + ': see its log' : 'not sent: ' + answer.error;
      if (answer.sent) text.value = '';
    } catch (e) {
      result.textContent = 'not sent: ' + e.message;
    }
  });

  // --- the live event feed -------------------------------------------------------------

  const FEED_MAX = 200;
  const feed = document.getElementById('feed');
  const feedStatus = document.getElementById('feed-status');
  const KIND_TEXT = {
    joined: 'joined',
    updated: 'updated',
    left: 'left',
    failed: 'failed',
    message: 'message',
    broadcast: 'you broadcast',
  };

  function feedEntry(e) {
    const li = el('li');
    // data-* attributes: stable hooks for tests and for anyone scripting the page
    li.dataset.id = e.id;
    li.dataset.kind = e.kind;
    if (e.member) li.dataset.member = e.member;
    li.appendChild(el('time', 'time mono', new Date(e.time).toLocaleTimeString()));
    li.lastChild.dateTime = e.time;
    li.appendChild(el('span', 'state kind kind-' + e.kind, KIND_TEXT[e.kind] || e.kind));
    if (e.member) {
      const who = el('span', 'who', e.member);
      if (e.local) who.appendChild(el('span', 'you', 'this node'));
      li.appendChild(who);
    }
    const tags = el('span', 'tags');
    for (const [key, value] of Object.entries(e.tags || {})) {
      tags.appendChild(el('span', 'tag', key + '=' + value));
    }
    if (e.member) li.appendChild(tags);
    if (e.text !== null && e.text !== undefined) li.appendChild(el('span', 'text', e.text));
    return li;
  }

  // EventSource reconnects by itself, sending the last id it got, and the node sends only what
  // the page missed; the newest entry goes on top
  const events = new EventSource('events');
  events.onopen = () => {
    feedStatus.textContent = 'live';
    feedStatus.className = 'connection ok';
  };
  events.onerror = () => {
    feedStatus.textContent = 'reconnecting…';
    feedStatus.className = 'connection error';
  };
  events.onmessage = (message) => {
    const placeholder = feed.querySelector('.placeholder');
    if (placeholder) placeholder.remove();
    feed.insertBefore(feedEntry(JSON.parse(message.data)), feed.firstChild);
    while (feed.children.length > FEED_MAX) feed.lastChild.remove();
  };

  // --- tags and broadcasts --------------------------------------------------------------

  async function postJson(path, body, result, describe) {
    result.textContent = 'sending…';
    try {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      result.textContent = response.ok ? describe(answer) : 'failed: ' + answer.error;
      return response.ok;
    } catch (e) {
      result.textContent = 'failed: ' + e.message;
      return false;
    }
  }

  document.getElementById('tag-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = document.getElementById('tag-name');
    const value = document.getElementById('tag-value');
    await postJson('tags', { name: name.value, value: value.value }, document.getElementById('tag-result'),
      (tags) => 'tags now ' + Object.entries(tags).map(([k, v]) => k + '=' + v).join(', '));
  });

  document.getElementById('broadcast-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = document.getElementById('broadcast-text');
    const sent = await postJson('broadcasts', { text: text.value }, document.getElementById('broadcast-result'),
      () => 'queued on gossip: see the other pages');
    if (sent) text.value = '';
  });

  poll();
})();
