/*
 * The survey's progressive enhancement (served as /survey.js, loaded with
 * `defer`). The page works completely without it: the server checks every
 * answer and shows the same messages. With it, a customer learns of a
 * missing answer before sending, sees how many characters are left, gets
 * focus on "Next" after choosing the last answer of a step with the finger
 * or mouse, and cannot send a step twice. It changes nothing the server
 * receives. Texts come from the page (data attributes in its language).
 */
(function () {
  'use strict';
  var form = document.querySelector('form.survey-form');
  if (!form || !form.dataset.requiredText) return;
  var texts = { required: form.dataset.requiredText, summary: form.dataset.summaryText, count: form.dataset.countText };
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var questions = Array.prototype.slice.call(form.querySelectorAll('.q'));
  var primary = form.querySelector('button[name="intent"][value="next"]');

  function controlsOf(question) {
    return Array.prototype.slice.call(question.querySelectorAll('input[name], textarea[name]'));
  }
  function nameOf(question) {
    var control = controlsOf(question)[0];
    return control ? control.name : '';
  }
  function isAnswered(question) {
    return controlsOf(question).some(function (control) {
      return control.type === 'radio' || control.type === 'checkbox' ? control.checked : control.value.trim() !== '';
    });
  }
  function describedBy(control, id, add) {
    var ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(function (part) {
      return part && part !== id;
    });
    if (add) ids.push(id);
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  }

  /** Shows or clears a question's error, tied to its controls as the server does it. */
  function setError(question, message) {
    var name = nameOf(question);
    var error = document.getElementById(name + '-error');
    if (!error) return;
    error.textContent = message || '';
    error.hidden = !message;
    if (message) question.setAttribute('data-invalid', 'true');
    else question.removeAttribute('data-invalid');
    controlsOf(question).forEach(function (control) {
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      describedBy(control, error.id, Boolean(message));
    });
  }

  function showSummary(missing) {
    var previous = document.querySelectorAll('.survey-alert[role="alert"]');
    Array.prototype.forEach.call(previous, function (alert) {
      alert.parentNode.removeChild(alert);
    });
    var alert = document.createElement('div');
    alert.className = 'survey-alert';
    alert.setAttribute('role', 'alert');
    var title = document.createElement('p');
    title.textContent = texts.summary;
    var list = document.createElement('ul');
    missing.forEach(function (question) {
      var link = document.createElement('a');
      var label = question.querySelector('.q-text');
      link.href = '#' + controlsOf(question)[0].id;
      link.textContent = (label ? label.textContent + ' ' : '') + texts.required;
      var item = document.createElement('li');
      item.appendChild(link);
      list.appendChild(item);
    });
    alert.appendChild(title);
    alert.appendChild(list);
    form.parentNode.insertBefore(alert, form);
  }

  // The script checks instead of the browser, so the messages are the page's own.
  form.noValidate = true;
  var sending = false;
  form.addEventListener('submit', function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    // "Back" saves without requiring answers, as on the server.
    if (!(submitter && submitter.formNoValidate)) {
      var missing = questions.filter(function (question) {
        return question.dataset.required === 'true' && !isAnswered(question);
      });
      if (missing.length) {
        event.preventDefault();
        missing.forEach(function (question) {
          setError(question, texts.required);
        });
        showSummary(missing);
        controlsOf(missing[0])[0].focus();
        return;
      }
    }
    sending = true;
    form.setAttribute('aria-busy', 'true');
  });
  // A page restored from the back-forward cache may be sent again.
  window.addEventListener('pageshow', function () {
    sending = false;
    form.removeAttribute('aria-busy');
  });

  var byPointer = false;
  form.addEventListener('pointerdown', function () {
    byPointer = true;
  });
  form.addEventListener('keydown', function () {
    byPointer = false;
  });

  questions.forEach(function (question, index) {
    question.addEventListener('change', function () {
      if (isAnswered(question) && question.getAttribute('data-invalid') === 'true') setError(question, '');
    });
    // A choice tapped or clicked on the step's last question: on to "Next",
    // without sending. Not from the keyboard: arrow keys move through a radio
    // group and change the choice on the way.
    if (index === questions.length - 1 && primary) {
      question.addEventListener('change', function (event) {
        if (event.target.type === 'radio' && byPointer) primary.focus();
      });
    }
  });

  // A live count for free text; screen readers hear it after a pause in typing.
  Array.prototype.forEach.call(form.querySelectorAll('textarea[maxlength]'), function (textarea) {
    var hint = document.getElementById(textarea.name + '-hint');
    if (!hint || !texts.count) return;
    var spoken = document.createElement('span');
    spoken.className = 'visually-hidden';
    spoken.setAttribute('aria-live', 'polite');
    hint.parentNode.insertBefore(spoken, hint.nextSibling);
    var timer;
    function countText() {
      return texts.count.replace('{{characters}}', numbers.format(textarea.value.length));
    }
    hint.textContent = countText();
    textarea.addEventListener('input', function () {
      hint.textContent = countText();
      clearTimeout(timer);
      timer = setTimeout(function () {
        spoken.textContent = countText();
      }, 1000);
    });
  });
})();
