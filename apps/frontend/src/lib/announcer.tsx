"use client";

import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from "react";

const AnnouncerContext = createContext<(message: string) => void>(() => {});

/** Polite screen-reader announcements for changes that happen without a page load. */
export function useAnnounce(): (message: string) => void {
  return useContext(AnnouncerContext);
}

export function Announcer({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback((text: string) => {
    // Clearing first makes a repeated message be read again.
    setMessage("");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setMessage(text), 50);
  }, []);
  return (
    <AnnouncerContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {message}
      </div>
    </AnnouncerContext.Provider>
  );
}
