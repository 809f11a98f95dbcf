// Astro's ambient types (import.meta.env, astro:* modules) for the type check, which runs before any
// `astro sync` has written .astro/types.d.ts on a fresh clone.
/// <reference types="astro/client" />
