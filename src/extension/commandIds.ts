/** Command ids, as contributed in package.json; one list so code and manifest cannot drift apart unnoticed. */
export const COMMANDS = {
  startReceiver: 'spanLens.startReceiver',
  stopReceiver: 'spanLens.stopReceiver',
  clearData: 'spanLens.clearData',
  copyEndpoint: 'spanLens.copyEndpoint',
  showLog: 'spanLens.showLog',
  showMenu: 'spanLens.showMenu',
  useAnotherPort: 'spanLens.useAnotherPort',
  copyTraceId: 'spanLens.copyTraceId',
  openTrace: 'spanLens.openTrace',
  toggleAnnotations: 'spanLens.toggleAnnotations',
  reindexWorkspace: 'spanLens.reindexWorkspace',
  checkWorkspace: 'spanLens.checkWorkspace',
  showTracePanel: 'spanLens.showTracePanel',
  openTracePanelInEditor: 'spanLens.openTracePanelInEditor',
  revealTraceInPanel: 'spanLens.revealTraceInPanel',
} as const;
