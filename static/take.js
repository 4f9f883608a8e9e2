/* Candidate pages: autosave each answer and count down the time left.
 *
 * A progressive enhancement only: without this file every page still works, and
 * the Next/Back buttons save the whole page. The server owns the deadline; the
 * countdown is a courtesy and re-syncs with every save. Messages come translated
 * from data-* attributes of the page.
 */
(function () {
  "use strict";

  var clock = document.getElementById("take-clock");
  var announce = document.getElementById("take-time-announce");
  var timerBox = document.getElementById("take-timer");
  var warning = document.getElementById("take-time-warning");
  var deadline = null;
  var timeUp = false;

  function offline() {
    return navigator.onLine === false;
  }

  // Live regions speak whenever their text is replaced, even by the same words:
  // only a change is written, so a screen reader hears "Saved" once, not after
  // every answer (arrow keys change the answer on each press).
  function say(element, text) {
    if (element && text && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function syncClock(secondsLeft) {
    if (clock && typeof secondsLeft === "number") {
      deadline = Date.now() + secondsLeft * 1000;
    }
  }

  function submitCurrentForm() {
    var target =
      document.getElementById("take-page-form") ||
      document.getElementById("take-submit-form");
    var button = document.getElementById("take-next");
    if (!target) {
      window.location.reload();
    } else if (target.requestSubmit && button) {
      target.requestSubmit(button);
    } else {
      target.submit();
    }
  }

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var text = (rest < 10 ? "0" : "") + rest;
    if (hours > 0) {
      return hours + ":" + (minutes < 10 ? "0" : "") + minutes + ":" + text;
    }
    return minutes + ":" + text;
  }

  if (clock) {
    syncClock(parseInt(clock.getAttribute("data-seconds-left"), 10) || 0);
    var previous = null;
    var timer = window.setInterval(function () {
      // Rounded up, as the server counts: zero only once the deadline has passed,
      // so the page sent then closes the attempt instead of moving to the next.
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      clock.textContent = format(left);
      clock.setAttribute("datetime", "PT" + left + "S");
      if (announce && previous !== null) {
        if (previous > 300 && left <= 300) {
          say(announce, announce.getAttribute("data-five"));
        } else if (previous > 60 && left <= 60) {
          say(announce, announce.getAttribute("data-one"));
        }
      }
      // Seen, not only heard: the server shows the same on a page opened late.
      if (warning && left <= 300) {
        say(warning, warning.getAttribute(left <= 60 ? "data-one" : "data-five"));
        if (timerBox) {
          timerBox.classList.add("take-timer-urgent");
        }
      }
      previous = left;
      if (left === 0) {
        window.clearInterval(timer);
        timeUp = true;
        say(announce, announce && announce.getAttribute("data-over"));
        // The page post saves what is on screen; the server then closes the
        // attempt because the deadline has passed.
        submitCurrentForm();
      }
    }, 1000);
    // Held back while offline (below): sent as soon as the connection is back,
    // still within the server's grace if the outage was short.
    window.addEventListener("online", function () {
      if (timeUp) {
        submitCurrentForm();
      }
    });
  }

  // Submitting offline would trade the questionnaire for the browser's error
  // page, and leave the candidate unsure whether it went: the page stays, and
  // says so. (At zero the countdown submits again once the connection is back.)
  var submitForm = document.getElementById("take-submit-form");
  var submitStatus = document.getElementById("take-submit-status");
  if (submitForm && submitStatus) {
    submitForm.addEventListener("submit", function (event) {
      if (offline()) {
        event.preventDefault();
        submitStatus.textContent = "";
        say(submitStatus, submitStatus.getAttribute("data-offline"));
      }
    });
  }

  var form = document.getElementById("take-page-form");
  var status = document.getElementById("take-save-status");
  if (!form || !status || !window.fetch || !window.JSON) {
    return;
  }
  var page = parseInt(form.getAttribute("data-page"), 10);
  var url = form.getAttribute("data-autosave-url");
  // The CSRF cookie is HttpOnly: the token comes from the form itself.
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  // One request at a time, so that answers reach the server in the order given.
  var queue = Promise.resolve();
  // Answers given but not yet acknowledged by the server, by item key. Whatever
  // is left here when the page goes away is sent with a beacon, which the
  // browser delivers even after the tab or window is closed.
  var pending = {};

  // A save the server did not take for a passing reason (no connection, a 5xx
  // during a deploy, too many requests) is sent again after a growing pause, so
  // an answer is stored even if Next is never pressed; the status says "Saved"
  // only once nothing given is still unsaved.
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var retryDelay = RETRY_FIRST_MS;
  var retryTimer = null;

  function acknowledge(answers) {
    Object.keys(answers).forEach(function (key) {
      if (pending[key] === answers[key]) {
        delete pending[key];
      }
    });
  }

  function unsaved() {
    return Object.keys(pending).length > 0;
  }

  // Saves waiting in the queue or on their way, by item key: a retry never
  // sends the same answer twice at once.
  var queued = {};

  function enqueue(key, value) {
    queued[key] = value;
    queue = queue.then(function () {
      // Answered again meanwhile, or stored already: nothing to send.
      var send = pending[key] === value ? save(key, value) : Promise.resolve();
      return send.then(function () {
        if (queued[key] === value) {
          delete queued[key];
        }
      });
    });
  }

  function savePending() {
    if (timeUp) {
      return;
    }
    Object.keys(pending).forEach(function (key) {
      if (queued[key] !== pending[key]) {
        enqueue(key, pending[key]);
      }
    });
  }

  function retryLater(waitSeconds) {
    if (retryTimer !== null || timeUp || offline()) {
      // Offline, the "online" event sends them (below).
      return;
    }
    var base = Math.max(retryDelay, (waitSeconds || 0) * 1000);
    // Up to half again at random: pages that failed together (a busy server)
    // do not all come back in the same second.
    var delay = base + Math.random() * (base / 2);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      savePending();
    }, delay);
  }

  function retryNow() {
    if (retryTimer !== null) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    retryDelay = RETRY_FIRST_MS;
    savePending();
  }

  function save(key, value) {
    var answers = {};
    answers[key] = Number(value);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify({ page: page, answers: answers }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            if (response.ok) {
              acknowledge(answers);
              syncClock(body && body.seconds_left);
              if (!unsaved()) {
                retryDelay = RETRY_FIRST_MS;
                say(status, status.getAttribute("data-saved"));
              } else if (retryTimer === null) {
                // The server answers again: what failed before goes now.
                savePending();
              }
            } else if (body && body.next) {
              pending = {};
              window.location.assign(body.next);
            } else if (response.status >= 500 || response.status === 429) {
              say(status, (body && body.detail) || status.getAttribute("data-offline"));
              retryLater(parseInt(response.headers.get("Retry-After"), 10));
            } else {
              // Refused (a value no button offers): sending it again cannot
              // help; the page post shows the error next to the answers.
              if (pending[key] === answers[key]) {
                delete pending[key];
              }
              say(status, (body && body.detail) || status.getAttribute("data-offline"));
            }
          });
      })
      .catch(function () {
        // No answer from the server: shown, and sent again later.
        say(status, status.getAttribute("data-offline"));
        retryLater(0);
      });
  }

  function flush() {
    var keys = Object.keys(pending);
    // Offline a beacon is lost: the answers stay pending, and on screen.
    if (!keys.length || offline()) {
      return;
    }
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", token);
    body.append("page", String(page));
    keys.forEach(function (key) {
      body.append("item-" + key, String(pending[key]));
    });
    var sent = false;
    if (navigator.sendBeacon) {
      sent = navigator.sendBeacon(url, body);
    }
    if (!sent) {
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        body: body,
      }).catch(function () {});
    }
    pending = {};
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "radio" || !input.getAttribute("data-item")) {
      return;
    }
    var key = input.getAttribute("data-item");
    pending[key] = Number(input.value);
    enqueue(key, pending[key]);
  });

  // The page post carries every answer on screen; nothing is left to flush.
  // Offline it would fail and the browser's error page would take the answers
  // not yet saved with it: the page stays, and says why.
  form.addEventListener("submit", function (event) {
    if (offline()) {
      event.preventDefault();
      status.textContent = "";
      say(status, status.getAttribute("data-offline"));
      return;
    }
    pending = {};
  });
  // Back online: what is still pending is saved without waiting for Next.
  window.addEventListener("online", function () {
    if (!timeUp) {
      retryNow();
    }
  });
  // Offline, answers not yet saved exist only on screen, and no beacon can carry
  // them: leaving (closing, reloading, going back) is confirmed first, in the
  // browser's own words.
  window.addEventListener("beforeunload", function (event) {
    if (offline() && unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
})();
