// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Forms whose text is kept in this browser (sessionStorage, this tab only) when it is sent but
  // never saved: the session had ended, so the post went to sign-in, or an error page answered.
  // Keyed by the form's action; put back with a message when the form is next shown.
  var UNSENT = "unsent-form:";
  var KEEP_FOR_MS = 12 * 60 * 60 * 1000;
  var SKIPPED_TYPES = ["password", "file", "submit", "button", "reset", "image"];

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  function keyOf(form) {
    return UNSENT + form.action.split("#")[0];
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      var type = (element.type || "").toLowerCase();
      if (!element.name || element.disabled || element.name === "csrf_token") { return; }
      if (SKIPPED_TYPES.indexOf(type) !== -1) { return; }
      if (type === "checkbox" || type === "radio") {
        fields.push({ name: element.name, value: element.value, checked: element.checked });
      } else {
        fields.push({ name: element.name, value: element.value });
      }
    });
    return fields;
  }

  function keepForm(form, state) {
    var store = storage();
    if (!store) { return; }
    try {
      store.setItem(keyOf(form), JSON.stringify({
        state: state, at: Date.now(), fields: fieldsOf(form)
      }));
    } catch (error) {
      // Storage full or refused: the page's own warnings still apply.
    }
  }

  function readKept(key) {
    try {
      return JSON.parse(storage().getItem(key));
    } catch (error) {
      return null;
    }
  }

  // After a page loads: a form sent from the last page either reached a signed-in view (this
  // page is not one that keeps it: the server saved it or shows it again itself) or it did not
  // (this page is the sign-in page or an error page, marked data-keeps-unsent).
  function settleSentForms(pageKeepsThem) {
    var store = storage();
    if (!store) { return; }
    var keys = [];
    for (var index = 0; index < store.length; index += 1) {
      if (store.key(index).indexOf(UNSENT) === 0) { keys.push(store.key(index)); }
    }
    keys.forEach(function (key) {
      var entry = readKept(key);
      if (!entry || Date.now() - entry.at > KEEP_FOR_MS) {
        store.removeItem(key);
      } else if (entry.state === "sent") {
        if (pageKeepsThem) {
          entry.state = "kept";
          store.setItem(key, JSON.stringify(entry));
        } else {
          store.removeItem(key);
        }
      }
    });
  }

  function putBack(form) {
    var store = storage();
    var entry = store && readKept(keyOf(form));
    if (!entry || entry.state !== "kept") { return; }
    entry.fields.forEach(function (field) {
      Array.prototype.forEach.call(form.elements, function (element) {
        if (element.name !== field.name) { return; }
        var type = (element.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") {
          if (element.value === field.value) { element.checked = field.checked; }
        } else if (SKIPPED_TYPES.indexOf(type) === -1 && element.name !== "csrf_token") {
          element.value = field.value;
        }
      });
    });
    store.removeItem(keyOf(form));
    form.setAttribute("data-unsaved-on-load", "");
    var notice = document.createElement("div");
    notice.className = "notice notice-info";
    notice.setAttribute("role", "status");
    notice.setAttribute("tabindex", "-1");
    notice.setAttribute("data-put-back", "");
    var label = document.createElement("strong");
    label.className = "notice-label";
    label.textContent = "Note:";
    notice.appendChild(label);
    notice.appendChild(document.createTextNode(
      " What you typed before you were signed out was not saved. It has been put back below " +
      "from this browser: check it and save."
    ));
    form.parentNode.insertBefore(notice, form);
    notice.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pageKeepsForms = document.body.hasAttribute("data-keeps-unsent");
    settleSentForms(pageKeepsForms);

    var forms = document.querySelectorAll("form[data-warn-unsaved]");
    if (!pageKeepsForms) { forms.forEach(putBack); }

    // Move focus to an error summary so screen reader and keyboard users hear it first.
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }

    // Warn before leaving a form with changes that have not been saved.
    var dirty = false;
    forms.forEach(function (form) {
      // A page shown again after a problem holds text that is not saved yet.
      if (form.hasAttribute("data-unsaved-on-load")) { dirty = true; }
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () {
        dirty = false;
        keepForm(form, "sent");
      });
    });
    if (forms.length) {
      window.addEventListener("beforeunload", function (event) {
        if (dirty) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }

    sessionTimeout(forms, function () {
      var hadChanges = dirty;
      dirty = false;
      return hadChanges;
    });
  });

  // The session's time limits: a warning before the end with a way to stay signed in (WCAG
  // 2.2.1), and at the end the page's unsent text is kept for after signing in again.
  function sessionTimeout(forms, takeChanges) {
    var dialog = document.getElementById("session-timeout");
    if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
    var data = dialog.dataset;
    var warning = Number(data.warning);
    var idleEnds = Date.now() + Number(data.idleLeft) * 1000;
    var absoluteEnds = Date.now() + Number(data.absoluteLeft) * 1000;
    var timer = null;
    var title = dialog.querySelector("#session-timeout-title");
    var text = dialog.querySelector("#session-timeout-text");
    var stay = dialog.querySelector("[data-stay-signed-in]");
    var signInAgain = dialog.querySelector("[data-sign-in-again]");

    function wait(milliseconds) {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, Math.max(1000, milliseconds));
    }

    function schedule() {
      wait(Math.min(idleEnds, absoluteEnds) - warning * 1000 - Date.now());
    }

    function minutes(seconds) {
      var count = Math.max(1, Math.ceil(seconds / 60));
      return count + (count === 1 ? " minute" : " minutes");
    }

    function learn(state) {
      idleEnds = Date.now() + state.idle_left * 1000;
      absoluteEnds = Date.now() + state.absolute_left * 1000;
    }

    function signedOut() {
      window.clearTimeout(timer);
      var kept = takeChanges();
      if (kept) {
        forms.forEach(function (form) { keepForm(form, "kept"); });
      }
      title.textContent = "You have been signed out";
      text.textContent = "For your security you were signed out." + (kept
        ? " What you typed on this page has not been saved: it is kept in this browser and " +
          "will be put back when you sign in again."
        : " Sign in again to carry on.");
      stay.hidden = true;
      signInAgain.hidden = false;
      signInAgain.href = data.signInUrl + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
      if (!dialog.open) { dialog.showModal(); }
      signInAgain.focus();
    }

    function warn(state) {
      var endsForGood = state.absolute_left <= state.idle_left;
      var left = Math.min(state.idle_left, state.absolute_left);
      title.textContent = "You will be signed out soon";
      text.textContent = endsForGood
        ? "For your security, sessions last a limited time: you will be signed out in about " +
          minutes(left) + ". Save your work now; you can sign in again straight away."
        : "For your security, you will be signed out in about " + minutes(left) +
          " because nothing has happened for a while. Choose 'Stay signed in' to carry on.";
      stay.textContent = endsForGood ? "I understand" : "Stay signed in";
      stay.hidden = false;
      signInAgain.hidden = true;
      if (!dialog.open) {
        dialog.showModal();
        stay.focus();
      }
      wait(Math.min(left * 1000, 60 * 1000));
    }

    // Ask the server how long is left: work in another tab keeps this session going too.
    function check() {
      window.fetch(data.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (!state.signed_in) { signedOut(); return; }
          learn(state);
          if (Math.min(state.idle_left, state.absolute_left) > warning) {
            if (dialog.open) { dialog.close(); }
            schedule();
          } else {
            warn(state);
          }
        })
        .catch(function () { wait(30 * 1000); });
    }

    stay.addEventListener("click", function () {
      if (stay.textContent === "I understand") {
        dialog.close();
        wait(Math.min(idleEnds, absoluteEnds) - Date.now());
        return;
      }
      window.fetch(data.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": data.csrfToken }
      })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (!state.signed_in) { signedOut(); return; }
          learn(state);
          dialog.close();
          schedule();
        })
        .catch(function () { wait(10 * 1000); });
    });
    // Escape closes the dialog: that is not "stay signed in", so check again before the end.
    dialog.addEventListener("cancel", function () { wait(Math.min(idleEnds, absoluteEnds) - Date.now()); });

    schedule();
  }
})();
