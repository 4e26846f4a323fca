/**
 * The console's router: paths under `/console` with the History API (the server answers every
 * `/console/…` path with the same shell), a context with the current route, `navigate`, and
 * {@link Link}, a real `<a href>` that moves without reloading (a middle click still opens a tab).
 */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';

/** The console's base path. */
export const CONSOLE_BASE = '/console';

/** Where the console is: the segments after `/console` and the query. */
export interface Route {
  /** e.g. `['contracts', 'ct_123']`. */
  segments: string[];
  query: URLSearchParams;
  /** The full path with the query, e.g. `/console/contracts?box=todo`. */
  href: string;
}

/** Parses a location into a {@link Route}. */
export function routeOf(pathname: string, search: string): Route {
  const rest = pathname.startsWith(CONSOLE_BASE) ? pathname.slice(CONSOLE_BASE.length) : pathname;
  const segments = rest.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, query: new URLSearchParams(search), href: `${pathname}${search}` };
}

/** The console path of `segments` with an optional query, e.g. `consolePath(['contracts'], { box: 'todo' })`. */
export function consolePath(segments: readonly string[], query?: Record<string, string | undefined>): string {
  const path = [CONSOLE_BASE, ...segments.map(encodeURIComponent)].join('/');
  const q = query ? Object.entries(query).filter(([, v]) => v !== undefined && v !== '') : [];
  return q.length ? `${path}?${new URLSearchParams(q as [string, string][]).toString()}` : path;
}

interface RouterValue {
  route: Route;
  navigate(href: string, opts?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue>({ route: routeOf('/console', ''), navigate: () => undefined });

/** Provides the route to the console and follows the browser's back and forward buttons. */
export function Router(props: { children: ComponentChildren }) {
  const [route, setRoute] = useState(() => routeOf(location.pathname, location.search));
  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname, location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const value = useMemo<RouterValue>(() => ({
    route,
    navigate(href, opts = {}) {
      const url = new URL(href, location.href);
      if (opts.replace) history.replaceState(null, '', url);
      else if (`${url.pathname}${url.search}` !== `${location.pathname}${location.search}`) history.pushState(null, '', url);
      setRoute(routeOf(url.pathname, url.search));
      if (!opts.replace) window.scrollTo({ top: 0 });
    },
  }), [route]);
  return <RouterContext.Provider value={value}>{props.children}</RouterContext.Provider>;
}

/** The current route and `navigate`. */
export function useRouter(): RouterValue {
  return useContext(RouterContext);
}

/** A link inside the console (a plain left click moves without reloading). */
export function Link(props: { href: string; class?: string; current?: boolean; label?: string; onNavigate?: () => void; children: ComponentChildren; id?: string }) {
  const { navigate } = useRouter();
  return (
    <a
      id={props.id}
      href={props.href}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props.label}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
        props.onNavigate?.();
      }}
    >
      {props.children}
    </a>
  );
}
