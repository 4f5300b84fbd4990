/*
 * Cuepoint tracker: sends a page's video engagement to Cuepoint's collector (POST /v1/events).
 * Plain ES2017, no dependencies, no build step.
 *
 *   <script src="https://cuepoint.example/tracker.js"></script>
 *   Cuepoint.init({ endpoint: 'https://cuepoint.example', key: 'WRITE_KEY', userId: 'u-42' });
 *   Cuepoint.attach(document.querySelector('video'), { projectId: '64088f5d' });
 *   Cuepoint.track('Annotation View', { 'Annotation ID': 'a1', 'Annotation Type': 'quiz' });
 *   viewer.onTrackingEvent = Cuepoint.forward; // a Brightcove viewer's events, unchanged
 *
 * Events are batched and sent with fetch(keepalive), or sendBeacon when the page is hidden. Each
 * event gets its event_id when it is made and keeps it through retries, so the server drops a
 * batch it already stored instead of counting it twice.
 *
 * The server serves this file without its comments and indentation: keep every comment on lines
 * of its own, or after code as " // ".
 */
(function () {
  'use strict';
  if (window.Cuepoint) return; // included twice

  const FLUSH_MS = 1000; // a batch leaves this long after it is scheduled,
  const BATCH_MAX = 20; // or at once when it holds this many events
  const QUEUE_MAX = 1000; // offline for long: the oldest events are dropped beyond this
  const PROGRESS_EVERY = 5; // seconds of playback between `progress` events
  const END_TOLERANCE = 0.05; // `end_complete` when play time is within 5% of the duration
  const ANON_KEY = 'cuepoint_anonymous_id';
  const YEAR_MS = 365 * 864e5;

  // The default endpoint is where this script came from.
  const src = document.currentScript ? document.currentScript.src : '';
  const scriptBase = src.replace(/\/tracker\.js(\?.*)?$/, '');

  let config = null; // set by init()
  let queue = []; // events to send, oldest first
  let inFlight = null; // the batch being sent
  let timer = null;
  let timerDue = 0;
  let failures = 0; // consecutive failed sends
  let retryAt = 0; // back-off: nothing is sent before this time
  const sessions = []; // attached videos
  let current = null; // the session track() describes: the last played, else the last attached
  let pageSession = null; // track() before any attach()

  const now = () => Date.now();
  const round = (seconds) => Math.round(seconds * 1000) / 1000;
  const warn = (message) => window.console && console.warn('Cuepoint: ' + message);

  /** A random hex token (getRandomValues works on http pages too, unlike randomUUID). */
  function randomId(bytes) {
    const buf = crypto.getRandomValues(new Uint8Array(bytes));
    let hex = '';
    for (let i = 0; i < bytes; i++) hex += (buf[i] + 256).toString(16).slice(1);
    return hex;
  }

  // The server's name rules (events.md §2): "Session ID" and session_id are one property.
  const ALIASES = {
    play_session: 'session_id',
    partner_user_id: 'user_id',
    userid: 'user_id',
    partner_username: 'username',
  };
  function has(props, name) {
    return Object.keys(props).some((key) => {
      const n = key
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
      return props[key] != null && (ALIASES[n] || n) === name;
    });
  }

  /** The browser's anonymous token, kept a year (per page when storage is blocked). */
  let anonymousId = null;
  function anonymous() {
    if (anonymousId) return anonymousId;
    anonymousId = randomId(16);
    try {
      const stored = JSON.parse(localStorage.getItem(ANON_KEY));
      if (stored && typeof stored.id === 'string' && stored.expires > now()) {
        anonymousId = stored.id;
      } else {
        const record = { id: anonymousId, expires: now() + YEAR_MS };
        localStorage.setItem(ANON_KEY, JSON.stringify(record));
      }
    } catch (e) {
      // private mode, sandboxed frame: this page's token will do
    }
    return anonymousId;
  }

  /** Names the viewer unless the properties do: user_id when init() had one, else anonymous_id. */
  function identify(props) {
    if (!config || has(props, 'user_id') || has(props, 'anonymous_id')) return;
    if (config.userId == null) return void (props.anonymous_id = anonymous());
    props.user_id = config.userId;
    if (config.username != null && !has(props, 'username')) props.username = config.username;
  }

  /** Queues {event, properties}, adding event_id, timestamp and the viewer where missing. */
  function enqueue(event) {
    identify(event.properties);
    if (event.event_id == null && !has(event.properties, 'event_id')) event.event_id = randomId(16);
    if (event.timestamp == null && !has(event.properties, 'timestamp')) {
      event.timestamp = new Date().toISOString();
    }
    if (queue.push(event) > QUEUE_MAX) queue.shift();
    schedule(queue.length >= BATCH_MAX ? 0 : FLUSH_MS);
    return event.event_id;
  }

  /** Flushes after `delay`, not before the back-off allows; an earlier timer stands. */
  function schedule(delay) {
    if (!config || inFlight || !queue.length) return;
    const due = Math.max(now() + delay, retryAt);
    if (timer && timerDue <= due) return;
    clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(flush, due - now());
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!config || inFlight || !queue.length) return;
    const batch = (inFlight = queue.splice(0, BATCH_MAX));
    const body = JSON.stringify(batch);
    fetch(config.url, {
      method: 'POST',
      keepalive: body.length < 60000, // browsers refuse keepalive bodies over 64 KiB
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json', 'X-Cuepoint-Key': config.key },
      body: body,
    }).then(
      (response) => {
        const status = response.status;
        // 408, 429 and 5xx may pass later; any other refusal will not change.
        if (status === 408 || status === 429 || status >= 500) return done(batch, response);
        if (!response.ok) warn('the collector refused ' + batch.length + ' events: HTTP ' + status);
        done(batch);
      },
      () => done(batch, null), // network failure, or CORS refused the answer
    );
  }

  /** Ends a send. A failed batch goes back to the front, the same events with the same IDs. */
  function done(batch, failure) {
    if (inFlight === batch) inFlight = null;
    if (failure === undefined) {
      failures = 0;
      retryAt = 0;
    } else {
      queue = batch.concat(queue).slice(-QUEUE_MAX);
      failures++;
      // Capped exponential back-off with jitter; a Retry-After the page may read is honoured.
      const backoff = Math.min(60000, 1000 * Math.pow(2, failures - 1)) * (0.5 + Math.random() / 2);
      const retryAfter = failure ? Number(failure.headers.get('Retry-After')) * 1000 : 0;
      retryAt = now() + Math.max(backoff, retryAfter || 0);
    }
    schedule(queue.length >= BATCH_MAX ? 0 : FLUSH_MS);
  }

  /**
   * Page hide: everything pending leaves now by sendBeacon (text/plain, key in the query). The
   * in-flight batch goes too: should its fetch be lost, the server drops the repeats.
   */
  function flushWithBeacon() {
    if (!config) return;
    let pending = (inFlight || []).concat(queue);
    const url = config.url + '?key=' + encodeURIComponent(config.key);
    while (
      pending.length &&
      navigator.sendBeacon(url, JSON.stringify(pending.slice(0, BATCH_MAX)))
    ) {
      pending = pending.slice(BATCH_MAX);
    }
    queue = pending; // the beacon quota is full: sent later, if the page lives on
  }

  /** init({ endpoint, key, userId?, username? }); may be called again, e.g. after a sign-in. */
  function init(options) {
    const o = options || {};
    const base = String(o.endpoint || scriptBase).replace(/\/+$/, '');
    if (!o.key || !base) throw new TypeError('Cuepoint.init: `key` and `endpoint` are required');
    config = {
      url: /\/v1\/events$/.test(base) ? base : base + '/v1/events',
      key: String(o.key),
      userId: o.userId == null || o.userId === '' ? null : String(o.userId),
      username: o.username == null ? null : String(o.username),
    };
    queue.forEach((event) => identify(event.properties)); // made before init()
    schedule(FLUSH_MS);
  }

  /** track(event, properties): an event of the current video's session, e.g. an annotation's. */
  function track(event, properties, session) {
    const props = Object.assign({}, properties);
    const s = session || current;
    const defaults = s ? s.props() : { session_id: (pageSession = pageSession || randomId(8)) };
    Object.keys(defaults).forEach((name) => has(props, name) || (props[name] = defaults[name]));
    return enqueue({ event: event, properties: props });
  }

  /** forward({event, properties}): a Brightcove viewer's payload, passed through unchanged. */
  function forward(payload) {
    if (!payload || typeof payload.event !== 'string') {
      return warn('forward: expected {event, properties}');
    }
    const properties = Object.assign({}, payload.properties); // the caller's object stays as it was
    return enqueue(Object.assign({}, payload, { properties: properties }));
  }

  /** attach(video, { projectId, experienceId? }) → { sessionId, track, detach } */
  function attach(video, options) {
    const o = options || {};
    if (!video || !video.addEventListener || !o.projectId) {
      throw new TypeError('Cuepoint.attach: a <video> element and `projectId` are required');
    }
    const s = {};
    const listeners = [];
    const on = (target, type, fn) => {
      target.addEventListener(type, fn);
      listeners.push([target, type, fn]);
    };

    s.props = () => {
      const p = {
        session_id: s.id,
        project_id: String(o.projectId),
        video_offset: round(video.currentTime || 0),
        play_time_accrued: round(s.accrued),
      };
      if (o.experienceId) p.experience_id = String(o.experienceId);
      if (video.duration > 0 && isFinite(video.duration)) p.video_duration = round(video.duration);
      return p;
    };
    const send = (action, extra) => {
      const props = Object.assign({ action: action }, s.props(), extra);
      enqueue({ event: 'player_action', properties: props });
    };

    /** A new session: at attach, and when the element loads another source. */
    function reset() {
      s.id = randomId(8);
      s.loaded = false; // `load` sent
      s.playPending = false; // play() before the metadata: `play` follows `load`
      s.accrued = 0; // seconds actually played
      s.lastTime = null; // position at the last tick; null while seeking
      s.lastWall = 0;
      s.running = false;
      s.progress = 0; // progress events sent
      s.endSent = false;
      s.finalSent = false;
    }

    /**
     * Adds the playback since the last tick to the play time, in media seconds (at 2× speed a
     * minute plays two); seeks never count.
     */
    function tick() {
      const t = video.currentTime;
      if (s.running && s.lastTime !== null && !video.seeking) {
        const delta = t - s.lastTime;
        // A jump beyond what the elapsed wall time allows is a seek we did not see.
        if (delta > 0 && delta <= ((now() - s.lastWall) / 1000) * (video.playbackRate || 1) + 1) {
          s.accrued += delta;
        }
      }
      s.lastTime = video.seeking ? null : t;
      s.lastWall = now();
      const due = Math.floor(s.accrued / PROGRESS_EVERY);
      if (s.loaded && due > s.progress) {
        s.progress = due;
        send('progress');
      }
    }

    function loaded() {
      if (s.loaded) return;
      s.loaded = true;
      send('load');
      if (s.playPending) send('play');
      s.playPending = false;
    }

    let volumeTimer = null;
    const sendVolume = () => {
      clearTimeout(volumeTimer);
      volumeTimer = null;
      send('volume', { volume: round(video.volume), muted: video.muted });
    };
    const fullscreen = (entered) => {
      if (entered !== s.fullscreen) send('fullscreen', { fullscreen: (s.fullscreen = entered) });
    };

    on(video, 'emptied', () => s.loaded && reset());
    on(video, 'loadedmetadata', loaded);
    on(video, 'play', () => {
      current = s;
      s.running = true;
      s.endSent = false;
      s.lastTime = video.seeking ? null : video.currentTime;
      s.lastWall = now();
      if (s.loaded) send('play');
      else s.playPending = true;
    });
    on(video, 'timeupdate', tick);
    on(video, 'pause', () => {
      tick();
      s.running = false;
      if (!video.ended) send('pause'); // at the end the element pauses itself: not a viewer's pause
    });
    on(video, 'seeking', () => (s.lastTime = null));
    on(video, 'seeked', () => {
      s.lastTime = video.currentTime;
      s.lastWall = now();
      if (s.loaded) send('seek');
    });
    on(video, 'volumechange', () => {
      // a slider drag fires dozens: one event once it settles
      clearTimeout(volumeTimer);
      volumeTimer = setTimeout(sendVolume, 500);
    });
    on(video, 'ended', () => {
      tick();
      s.running = false;
      const duration = video.duration;
      if (s.endSent || !(duration > 0 && isFinite(duration))) return;
      s.endSent = true;
      const diff = s.accrued - duration;
      const close = Math.abs(diff) <= duration * END_TOLERANCE;
      send(close ? 'end_complete' : diff < 0 ? 'end_under' : 'end_over');
    });
    on(document, 'fullscreenchange', (e) => {
      // One event on entering, one on leaving, each aimed at the element that changed. Reading
      // document.fullscreenElement instead would miss a quick toggle: it may have changed again.
      if (e.target === video || (e.target.contains && e.target.contains(video))) {
        fullscreen(!s.fullscreen);
      }
    });
    on(video, 'webkitbeginfullscreen', () => fullscreen(true)); // iOS Safari
    on(video, 'webkitendfullscreen', () => fullscreen(false));

    /** Page hide: a pending volume change, then `final` once per loaded session. */
    s.hide = () => {
      if (volumeTimer) sendVolume();
      if (!s.loaded || s.finalSent) return;
      tick();
      s.finalSent = true;
      send('final');
    };

    reset();
    s.fullscreen = !!document.fullscreenElement && document.fullscreenElement.contains(video);
    sessions.push(s);
    current = s;
    if (video.readyState >= 1) loaded(); // HAVE_METADATA: it loaded before attach()

    return {
      get sessionId() {
        return s.id;
      },
      track: (event, properties) => track(event, properties, s),
      detach: () => {
        listeners.forEach((l) => l[0].removeEventListener(l[1], l[2]));
        clearTimeout(volumeTimer);
        sessions.splice(sessions.indexOf(s), 1);
        if (current === s) current = sessions[sessions.length - 1] || null;
      },
    };
  }

  window.addEventListener('pagehide', () => {
    sessions.forEach((s) => s.hide());
    flushWithBeacon();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushWithBeacon();
    else schedule(0);
  });
  window.addEventListener('pageshow', (e) => {
    // back from the back/forward cache: the sessions go on, and may end with another `final`
    if (e.persisted) sessions.forEach((s) => (s.finalSent = false));
    schedule(0);
  });

  window.Cuepoint = {
    version: '1',
    init: init,
    attach: attach,
    track: (event, properties) => track(event, properties),
    forward: forward,
    /** Sends what is queued now, back-off or not (single-page apps, tests). */
    flush: () => {
      retryAt = 0;
      flush();
    },
  };
})();
