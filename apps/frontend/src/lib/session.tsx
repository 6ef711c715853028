"use client";

import { useRouter } from "next/navigation";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  authApi,
  describeError,
  type SessionUser,
  UNAUTHORIZED_EVENT,
  type UserApi,
  userApi,
} from "./api-client";
import { userTimeZone } from "./time-zone";

export interface Session {
  user: SessionUser;
  api: UserApi;
  /** The zone the web app shows and reads times in: the user's preference, else the browser's. */
  timeZone: string;
  /** Records a preference the server has saved, so every view uses it at once. */
  setTimeZone: (timeZone: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside <RequireSession>");
  return session;
}

function loginUrl(): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return `/login/?next=${encodeURIComponent(here)}`;
}

// Asked as soon as this module runs on a signed-in page, not after hydration: the first API calls
// wait on the answer. Never on the sign-in pages, where the answer would be stale after signing in.
let earlySession: ReturnType<typeof authApi.getSession> | null =
  typeof window === "undefined" || /^\/(login|signup)?\/?$/.test(window.location.pathname)
    ? null
    : authApi.getSession();
earlySession?.catch(() => {});

/** The early answer serves the first mount only; a later sign-in must ask again. */
function fetchSession(): ReturnType<typeof authApi.getSession> {
  const pending = earlySession ?? authApi.getSession();
  earlySession = null;
  return pending;
}

type State =
  | { status: "loading" }
  | { status: "ready"; user: SessionUser }
  | { status: "error"; message: string };

/** Renders its children only for a signed-in person; everyone else goes to /login. */
export function RequireSession({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [state, setState] = useState<State>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry button's trigger
  useEffect(() => {
    let cancelled = false;
    fetchSession()
      .then((session) => {
        if (cancelled) return;
        if (session?.user) setState({ status: "ready", user: session.user });
        else router.replace(loginUrl());
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ status: "error", message: describeError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [router, attempt]);

  // Requests still in flight when the person signs out answer 401: that is the sign-out itself,
  // which goes to /login/ without a `next`, not a session that ran out.
  const signingOut = useRef(false);
  useEffect(() => {
    const onUnauthorized = () => {
      if (!signingOut.current) router.replace(loginUrl());
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [router]);

  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      await authApi.signOut();
    } finally {
      router.replace("/login/");
    }
  }, [router]);

  const setTimeZone = useCallback((timezone: string) => {
    setState((current) =>
      current.status === "ready" ? { status: "ready", user: { ...current.user, timezone } } : current,
    );
  }, []);

  const user = state.status === "ready" ? state.user : null;
  const session = useMemo(
    () =>
      user
        ? { user, api: userApi(user.id), timeZone: userTimeZone(user.timezone), setTimeZone, signOut }
        : null,
    [user, setTimeZone, signOut],
  );

  if (state.status === "error") {
    return (
      <main className="centered" id="main">
        <div className="card" role="alert">
          <h1>Cannot load your session</h1>
          <p>{state.message}</p>
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!session) {
    return (
      <main className="centered" id="main">
        <p role="status" className="muted">
          Loading…
        </p>
      </main>
    );
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
