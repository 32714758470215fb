/** The one typed contract between the UI and the host. Pure: runs in the renderer and in the host. */
export * from './reply';
export * from './requests';
export * from './host-events';
export * from './api';
export * from './dispatch';
export * from './commands';
export * from './training';
export * from './inference';
export * from './stepthrough';
