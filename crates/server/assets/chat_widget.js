// The chat widget: countdown, participants count, the join button, and the winners once drawn.
// It only talks to this server. Times come from the server's clock (`now` in the state), so the
// countdown is right even when the viewer's clock is not.
(function () {
  'use strict';
  var root = document.getElementById('fd-widget');
  var S = JSON.parse(document.getElementById('fd-strings').textContent);
  var state = JSON.parse(document.getElementById('fd-state').textContent);
  var id = root.dataset.id;
  var user = root.dataset.user, room = root.dataset.room, sig = root.dataset.sig;
  var offset = state.now - Date.now();
  var el = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
  var button = el('join'), message = el('message');
  var polling = null;

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d > 0 ? d + 'd ' : '') + two(h) + ':' + two(m) + ':' + two(s % 60);
  }
  function say(text, kind) {
    message.textContent = text || '';
    message.className = 'message' + (kind ? ' ' + kind : '');
  }

  function render() {
    var now = Date.now() + offset;
    var label = el('timer-label'), countdown = el('countdown');
    root.dataset.state = state.status;
    el('count').textContent = state.participantsCount;
    if (state.status === 'SOON') {
      label.textContent = S.starts_in; countdown.textContent = span(state.startsAt - now);
    } else if (state.status === 'LIVE' && now < state.endsAt) {
      label.textContent = S.ends_in; countdown.textContent = span(state.endsAt - now);
    } else if (state.status === 'LIVE') {
      label.textContent = S.drawing; countdown.textContent = '';
    } else if (state.status === 'CANCELLED') {
      label.textContent = S.cancelled; countdown.textContent = '';
    } else {
      label.textContent = ''; countdown.textContent = '';
    }
    var open = state.status === 'LIVE' && now < state.endsAt;
    button.disabled = !open || state.joined || !user;
    if (state.joined && open && !message.textContent) { say(S.joined, 'ok'); }
    var winners = el('winners');
    if (state.status === 'FINISHED') {
      var list = winners.querySelector('ol');
      list.textContent = '';
      (state.winners || []).forEach(function (name) {
        var li = document.createElement('li'); li.textContent = name; list.appendChild(li);
      });
      if (!state.winners || state.winners.length === 0) { say(S.no_winners); }
      el('verify').href = state.verifyUrl || '#';
      winners.hidden = false;
      if (state.announcement) { say(state.announcement, 'ok'); }
    }
  }

  function refresh() {
    var q = '?lang=' + encodeURIComponent(root.dataset.lang) + (user ? '&userId=' + encodeURIComponent(user) + '&sig=' + encodeURIComponent(sig) : '');
    fetch('/external/widget/' + id + '/state' + q, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { state = s; offset = s.now - Date.now(); render(); } })
      .catch(function () {});
  }

  button.addEventListener('click', function () {
    button.disabled = true;
    fetch('/external/widget/' + id + '/join', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ userId: user, roomId: room, sig: sig, lang: root.dataset.lang })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (res.ok) {
        state.joined = true;
        state.participantsCount = res.body.participantsCount;
        say(S.joined, 'ok');
      } else {
        say(res.body.message, 'error');
      }
      render();
    }).catch(function () { say('…', 'error'); render(); });
  });

  render();
  setInterval(render, 1000);
  polling = setInterval(refresh, 5000);
  window.fairdrawWidget = { refresh: refresh, polling: polling };
})();
