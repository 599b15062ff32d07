import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

type Detector = { detect: (source: HTMLVideoElement) => Promise<{ rawValue: string }[]> };
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector;
  }
}

/**
 * Reads a badge's QR code with the phone camera: the browser's BarcodeDetector where there is one,
 * otherwise the jsQR decoder on video frames. Calls onCode once per distinct code (a badge held in
 * front of the camera is not checked in ten times).
 */
export function QrScanner({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTranslation("rosters");
  const video = useRef<HTMLVideoElement>(null);
  const [active, setActive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const last = useRef<{ code: string; at: number } | null>(null);
  const report = useRef(onCode);
  report.current = onCode;

  useEffect(() => {
    if (!active) return;
    let stream: MediaStream | undefined;
    let stopped = false;
    let timer: number | undefined;
    const found = (code: string) => {
      const now = Date.now();
      if (last.current && last.current.code === code && now - last.current.at < 5000) return;
      last.current = { code, at: now };
      report.current(code);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch {
        setProblem(t("checkIn.cameraDenied"));
        setActive(false);
        return;
      }
      const element = video.current;
      if (!element || stopped) return;
      element.srcObject = stream;
      await element.play().catch(() => undefined);
      let detect: (() => Promise<string | null>) | undefined;
      if (window.BarcodeDetector) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        detect = async () => (await detector.detect(element))[0]?.rawValue ?? null;
      } else {
        const { default: jsQR } = await import("jsqr");
        const canvas = document.createElement("canvas");
        const context = canvas.getContext("2d", { willReadFrequently: true });
        detect = async () => {
          if (!context || !element.videoWidth) return null;
          canvas.width = element.videoWidth;
          canvas.height = element.videoHeight;
          context.drawImage(element, 0, 0);
          const image = context.getImageData(0, 0, canvas.width, canvas.height);
          return jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data ?? null;
        };
      }
      const tick = async () => {
        if (stopped) return;
        const code = await detect!().catch(() => null);
        if (code) found(code.trim());
        timer = window.setTimeout(tick, 250);
      };
      tick();
    })();
    return () => {
      stopped = true;
      if (timer) window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [active, t]);

  return (
    <div className="qr-scanner">
      <button type="button" className="button" aria-pressed={active} onClick={() => (setProblem(null), setActive(!active))}>
        {active ? t("checkIn.stopCamera") : t("checkIn.scan")}
      </button>
      {problem ? (
        <p className="notice" role="alert">
          {problem}
        </p>
      ) : null}
      {active ? <video ref={video} className="qr-video" muted playsInline aria-label={t("checkIn.cameraLabel")} /> : null}
    </div>
  );
}
