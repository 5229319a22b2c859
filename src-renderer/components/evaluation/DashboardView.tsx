/** The dashboard workspace (placeholder until its issue lands). */
export function DashboardView() {
  return <p className="muted">Not available yet.</p>;
}
