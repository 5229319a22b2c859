/** The worklist workspace (placeholder until its issue lands). */
export function WorklistView() {
  return <p className="muted">Not available yet.</p>;
}
