/** The study workspace (placeholder until its issue lands). */
export function StudyView() {
  return <p className="muted">Not available yet.</p>;
}
