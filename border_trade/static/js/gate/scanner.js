// The QR scanner: the camera's picture, read by the jsQR vendor script (a classic script loaded before the
// modules, as window.jsQR), until a manifest's code names a shipment; that shipment is then selected.
import { format, T } from "./i18n.js";
import { toast } from "./notices.js";
import { selectReference } from "./queue.js";
import { extractReference, REFERENCE, verifyToken } from "./reference.js";
import { $, config } from "./state.js";

var scan = { stream: null, timer: null, lastText: null };

function scanMessage(text) {
  $("scan-message").textContent = text;
}

function stopScanner() {
  clearTimeout(scan.timer);
  scan.timer = null;
  if (scan.stream) {
    scan.stream.getTracks().forEach(function (track) {
      track.stop();
    });
  }
  scan.stream = null;
  scan.lastText = null;
  $("scan-video").srcObject = null;
}

function scanned(reference) {
  stopScanner();
  var dialog = $("scan-dialog");
  if (dialog.open) {
    dialog.close();
  }
  selectReference(reference);
  toast(format(T.qr_found, { reference: reference }));
}

function handleScan(text) {
  if (text === scan.lastText) {
    return;
  }
  scan.lastText = text;
  var reference = extractReference(text);
  if (reference) {
    scanned(reference);
    return;
  }
  var token = verifyToken(text);
  if (!token) {
    scanMessage(T.qr_no_reference);
    return;
  }
  // an opaque token: the public verification API names the shipment (needs the network)
  fetch(config.verify_prefix + encodeURIComponent(token), { headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : {};
    })
    .then(function (data) {
      var found = data && data.valid !== false ? REFERENCE.exec(String(data.shipment || "")) : null;
      if (found) {
        scanned(found[0].toUpperCase());
      } else {
        scanMessage(T.qr_no_reference);
      }
    })
    .catch(function () {
      scanMessage(T.qr_no_reference);
    });
}

function tick() {
  if (!scan.stream) {
    return;
  }
  var video = $("scan-video");
  if (video.readyState >= 2 && video.videoWidth) {
    var scale = Math.min(1, 800 / video.videoWidth);
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    var canvas = $("scan-canvas");
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
    if (code && code.data) {
      handleScan(code.data);
      if (!scan.stream) {
        return;
      }
    }
  }
  scan.timer = setTimeout(tick, 150); // ~6 frames a second spares the tablet's battery
}

function openScanner() {
  var dialog = $("scan-dialog");
  dialog.showModal();
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
    scanMessage(T.camera_unavailable);
    return;
  }
  scanMessage(T.scanning);
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
    .then(function (stream) {
      if (!dialog.open) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
        return;
      }
      scan.stream = stream;
      var video = $("scan-video");
      video.srcObject = stream;
      var playing = video.play();
      if (playing && typeof playing.catch === "function") {
        playing.catch(function () {});
      }
      tick();
    })
    .catch(function (error) {
      scanMessage(format(T.camera_denied, { message: error && error.name ? error.name : String(error) }));
    });
}

// Wire the scan button and its dialog (an officer's page only).
export function installScanner() {
  $("scan-button").addEventListener("click", openScanner);
  $("scan-close").addEventListener("click", function () {
    $("scan-dialog").close();
  });
  $("scan-dialog").addEventListener("close", stopScanner);
}
