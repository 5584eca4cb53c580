/** The manifest's contributions and the code agree: every command registered is contributed, every setting read. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/extension/commandIds';
import { DEFAULT_SETTINGS, parseSettings } from '../../../src/extension/settingsValues';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown; markdownDescription?: string }> };
    colors: { id: string; defaults: Record<string, string> }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string }[];
    menus: Record<string, { command: string }[]>;
  };
}

const root = path.join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('extension/manifest', () => {
  it('contributes exactly the commands the extension registers, each titled in the Span Lens category', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Span Lens', command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  it('menus only name contributed commands', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        assert.ok(known.has(item.command), `${menu} names ${item.command}`);
      }
    }
  });

  it('documents every setting, and the code reads each with the manifest default', () => {
    const read = new Set<string>();
    parseSettings((key) => {
      read.add(`spanLens.${key}`);
      return undefined;
    });
    assert.deepEqual([...read].sort(), Object.keys(properties).sort());
    const defaults = parseSettings((key) => properties[`spanLens.${key}`].default);
    assert.deepEqual(defaults, DEFAULT_SETTINGS);
    for (const [key, schema] of Object.entries(properties)) {
      assert.ok(schema.markdownDescription && schema.markdownDescription.length > 20, `${key} has a markdownDescription`);
    }
  });

  it('every setting and command is in docs/settings-and-commands.md', () => {
    const docs = fs.readFileSync(path.join(root, 'docs', 'settings-and-commands.md'), 'utf8');
    for (const key of [...Object.keys(properties), ...Object.values(COMMANDS)]) {
      assert.ok(docs.includes(`\`${key}\``), `${key} is documented`);
    }
  });

  it('contributes the annotation colours for every theme kind, and the view with its welcome content', () => {
    const colors = manifest.contributes.colors.map((c) => c.id).sort();
    assert.deepEqual(colors, ['spanLens.annotationErrorForeground', 'spanLens.annotationForeground', 'spanLens.findingForeground']);
    for (const color of manifest.contributes.colors) {
      assert.deepEqual(Object.keys(color.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light']);
    }
    const views = Object.values(manifest.contributes.views).flat().map((v) => v.id);
    assert.ok(views.includes('spanLens.locations'));
    assert.ok(manifest.contributes.viewsWelcome.some((w) => w.view === 'spanLens.locations'));
  });
});

describe('extension/settingsValues', () => {
  it('falls back to defaults for values of the wrong type or out of range', () => {
    const raw: Record<string, unknown> = {
      'receiver.enabled': 'yes',
      'receiver.host': '   ',
      'receiver.httpPort': 70000,
      'receiver.maxBodyBytes': 1.5,
      'store.maxSpans': -1,
      'annotations.format': 'fancy',
      pathMappings: [{ from: '/app', to: 'services/order' }, { from: '/x' }, 'nonsense', null],
      'index.exclude': ['generated/**', 3, ''],
    };
    const settings = parseSettings((key) => raw[key]);
    assert.equal(settings.receiver.enabled, true);
    assert.equal(settings.receiver.host, '127.0.0.1');
    assert.equal(settings.receiver.httpPort, 4318);
    assert.equal(settings.receiver.maxBodyBytes, DEFAULT_SETTINGS.receiver.maxBodyBytes);
    assert.equal(settings.store.maxSpans, 100_000);
    assert.equal(settings.annotations.format, 'full');
    assert.deepEqual(settings.pathMappings, [{ from: '/app', to: 'services/order' }]);
    assert.deepEqual(settings.index.exclude, ['generated/**']);
  });

  it('takes valid values as they are', () => {
    const raw: Record<string, unknown> = { 'receiver.host': '0.0.0.0', 'receiver.httpPort': 0, 'annotations.format': 'compact', 'annotations.enabled': false };
    const settings = parseSettings((key) => raw[key]);
    assert.equal(settings.receiver.host, '0.0.0.0');
    assert.equal(settings.receiver.httpPort, 0);
    assert.equal(settings.annotations.format, 'compact');
    assert.equal(settings.annotations.enabled, false);
  });
});
