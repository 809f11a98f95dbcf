// The settings the convlens integration hands to <ConvlensFigure> (see integration.ts, configModulePlugin).
declare module 'virtual:convlens/config' {
  /** Absent when the component is rendered on a site without the integration. */
  const config: { reportDir: string; base: string } | undefined;
  export default config;
}
