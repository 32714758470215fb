import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, REQUEST_CHANNEL, type UnrollApi } from '../../src/protocol/api';

/**
 * The only bridge between the sandboxed page and the host: `window.unroll`, the typed protocol API.
 * No Electron object (not even the IPC event) reaches the page.
 */
const api: UnrollApi = {
  call: (name, payload) => ipcRenderer.invoke(REQUEST_CHANNEL, name, payload),
  onEvent(listener) {
    const forward = (_event: Electron.IpcRendererEvent, message: unknown): void => listener(message as Parameters<typeof listener>[0]);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('unroll', api);
