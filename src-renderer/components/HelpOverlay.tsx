/** Keyboard and mouse shortcuts, generated from the same table that handles the keys. */
import { MOUSE_HELP, SHORTCUTS } from '../keyboard/shortcuts';
import { setHelpVisible } from '../state/uiActions';

export function HelpOverlay() {
  return (
    <div className="overlay" data-testid="help-overlay" onClick={() => setHelpVisible(false)}>
      <div className="dialog help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.label}>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Mouse</h2>
        <table>
          <tbody>
            {MOUSE_HELP.map((m) => (
              <tr key={m.label}>
                <td>
                  <kbd>{m.label}</kbd>
                </td>
                <td>{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" data-testid="help-close" onClick={() => setHelpVisible(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
