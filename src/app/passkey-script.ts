/**
 * The browser half of passkeys, served as /t/{slug}/assets/passkey.js (no framework, no build
 * step; base64url by hand). It wires every button with a `data-passkey` attribute:
 *
 *   <button type="button" data-passkey="signin" data-options-url="/t/{slug}/authentication/passkey/options"
 *           data-verify-url="/t/{slug}/authentication/authenticate" data-next-url="…">
 *     options → navigator.credentials.get → POST {method: "passkey", response} → next-url
 *   <button type="button" data-passkey="register" data-options-url="/t/{slug}/account/passkeys/options"
 *           data-verify-url="/t/{slug}/account/passkeys" data-next-url="…" data-csrf-token="…">
 *     options → navigator.credentials.create → POST {response, name} → next-url
 *
 * `data-csrf-token` (optional) is sent as the `x-csrf-token` header; the passkey name comes from
 * an `<input data-passkey-name>` on the page. Errors (`error_description` of a JSON answer, or a
 * cancelled ceremony) are shown in the page's `[data-passkey-error]` element. Without WebAuthn
 * in the browser, the buttons are hidden. Pages that include it need CSP `script-src 'self';
 * connect-src 'self'`.
 */
export const PASSKEY_SCRIPT = `(function () {
  'use strict';
  function enc(buf) {
    var bytes = new Uint8Array(buf), s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function dec(s) {
    s = String(s).replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function errorBox() { return document.querySelector('[data-passkey-error]'); }
  function showError(message) {
    var el = errorBox();
    if (el) { el.textContent = message; el.hidden = false; } else { window.alert(message); }
  }
  function clearError() { var el = errorBox(); if (el) { el.textContent = ''; el.hidden = true; } }
  function post(url, body, csrf) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (csrf) headers['x-csrf-token'] = csrf;
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify(body || {}) }).then(function (res) {
      return res.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
        if (!res.ok) throw new Error(data.error_description || data.message || ('The request failed (HTTP ' + res.status + ').'));
        return data;
      });
    });
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return { type: 'public-key', id: dec(c.id), transports: c.transports }; });
  }
  function ceremony(promise) {
    return promise.then(function (cred) {
      if (!cred) throw new Error('No passkey was chosen.');
      return cred;
    }, function (err) {
      var name = err && err.name;
      if (name === 'NotAllowedError' || name === 'AbortError') throw new Error('The passkey request was cancelled or timed out.');
      if (name === 'InvalidStateError') throw new Error('This device already holds a passkey for this account.');
      if (name === 'SecurityError') throw new Error('Passkeys cannot be used on this address.');
      if (name === 'NotSupportedError') throw new Error('This device cannot create a suitable passkey.');
      throw new Error((err && err.message) || 'The passkey request failed.');
    });
  }
  function signIn(btn) {
    var csrf = btn.getAttribute('data-csrf-token');
    return post(btn.getAttribute('data-options-url'), {}, csrf).then(function (o) {
      return ceremony(navigator.credentials.get({ publicKey: {
        challenge: dec(o.challenge), rpId: o.rpId, timeout: o.timeout, userVerification: o.userVerification,
        allowCredentials: descriptors(o.allowCredentials)
      } }));
    }).then(function (cred) {
      var r = cred.response;
      return post(btn.getAttribute('data-verify-url'), { method: 'passkey', response: {
        id: cred.id, rawId: enc(cred.rawId), type: cred.type, authenticatorAttachment: cred.authenticatorAttachment || undefined,
        clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          clientDataJSON: enc(r.clientDataJSON), authenticatorData: enc(r.authenticatorData), signature: enc(r.signature),
          userHandle: r.userHandle && r.userHandle.byteLength ? enc(r.userHandle) : undefined
        }
      } }, csrf);
    });
  }
  function register(btn) {
    var csrf = btn.getAttribute('data-csrf-token');
    return post(btn.getAttribute('data-options-url'), {}, csrf).then(function (o) {
      return ceremony(navigator.credentials.create({ publicKey: {
        rp: o.rp, user: { id: dec(o.user.id), name: o.user.name, displayName: o.user.displayName },
        challenge: dec(o.challenge), pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout,
        excludeCredentials: descriptors(o.excludeCredentials), authenticatorSelection: o.authenticatorSelection,
        attestation: o.attestation, extensions: o.extensions
      } }));
    }).then(function (cred) {
      var r = cred.response;
      var input = document.querySelector('[data-passkey-name]');
      var name = input && input.value.trim() ? input.value.trim() : (btn.getAttribute('data-name') || undefined);
      return post(btn.getAttribute('data-verify-url'), { name: name, response: {
        id: cred.id, rawId: enc(cred.rawId), type: cred.type, authenticatorAttachment: cred.authenticatorAttachment || undefined,
        clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          clientDataJSON: enc(r.clientDataJSON), attestationObject: enc(r.attestationObject),
          transports: r.getTransports ? r.getTransports() : []
        }
      } }, csrf);
    });
  }
  var supported = typeof window.PublicKeyCredential === 'function' && !!(navigator.credentials && navigator.credentials.get);
  var buttons = document.querySelectorAll('[data-passkey]');
  for (var i = 0; i < buttons.length; i++) if (!supported) buttons[i].hidden = true;
  document.addEventListener('click', function (event) {
    var btn = event.target && event.target.closest ? event.target.closest('[data-passkey]') : null;
    if (!btn || btn.disabled || !supported) return;
    event.preventDefault();
    var kind = btn.getAttribute('data-passkey');
    var run = kind === 'register' ? register : kind === 'signin' ? signIn : null;
    if (!run) return;
    clearError();
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    run(btn).then(function () {
      window.location.assign(btn.getAttribute('data-next-url') || window.location.href);
    }, function (err) {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
      showError((err && err.message) || 'The passkey request failed.');
    });
  });
})();
`;
