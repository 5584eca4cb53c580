// Named bundles with source maps. Everything the extension and CLI run is bundled, so the .vsix ships no node_modules.
const path = require('path');
const CopyPlugin = require('copy-webpack-plugin');

const grammarFiles = [
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-go/tree-sitter-go.wasm',
  'tree-sitter-javascript/tree-sitter-javascript.wasm',
  'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-typescript/tree-sitter-tsx.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-java/tree-sitter-java.wasm',
];

/** @type {(env: unknown, argv: { mode?: string }) => import('webpack').Configuration[]} */
module.exports = (_env, argv) => {
  const production = argv.mode === 'production';
  const common = {
    target: 'node',
    mode: production ? 'production' : 'development',
    devtool: production ? 'nosources-source-map' : 'source-map',
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [{ test: /\.ts$/, exclude: /node_modules/, use: { loader: 'ts-loader', options: { configFile: 'tsconfig.build.json' } } }],
    },
    // web-tree-sitter probes for these at run time in other environments; Node has its own.
    externals: { vscode: 'commonjs vscode', 'fs/promises': 'commonjs fs/promises' },
    node: { __dirname: false, __filename: false },
    optimization: { minimize: false },
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: '[name].js',
      libraryTarget: 'commonjs2',
      devtoolModuleFilenameTemplate: '../[resource-path]',
    },
    performance: { hints: false },
  };
  return [
    {
      ...common,
      name: 'extension',
      entry: { extension: './src/extension/extension.ts' },
      plugins: [
        new CopyPlugin({
          patterns: grammarFiles.map((file) => ({ from: path.join('node_modules', file), to: 'grammars/[name][ext]' })),
        }),
      ],
    },
    {
      ...common,
      name: 'cli',
      entry: { cli: './src/cli/main.ts' },
      plugins: [new (require('webpack').BannerPlugin)({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true })],
    },
    {
      ...common,
      name: 'decode-worker',
      entry: { decodeWorker: './src/receiver/decodeWorker.ts' },
    },
    {
      // The trace panel runs in a webview: a browser bundle with no Node and no vscode module.
      name: 'webview',
      target: 'web',
      mode: common.mode,
      devtool: production ? false : 'source-map',
      entry: { panel: './src/webview/main.ts' },
      resolve: { extensions: ['.ts', '.js'] },
      module: {
        rules: [{ test: /\.ts$/, exclude: /node_modules/, use: { loader: 'ts-loader', options: { configFile: path.resolve(__dirname, 'src/webview/tsconfig.json') } } }],
      },
      optimization: { minimize: production },
      output: { path: path.resolve(__dirname, 'dist/webview'), filename: '[name].js' },
      performance: { hints: false },
      plugins: [
        new CopyPlugin({
          patterns: [
            { from: 'media/panel.css', to: 'panel.css' },
            { from: 'node_modules/@vscode/codicons/dist/codicon.css', to: 'codicon.css' },
            { from: 'node_modules/@vscode/codicons/dist/codicon.ttf', to: 'codicon.ttf' },
          ],
        }),
      ],
    },
  ];
};
