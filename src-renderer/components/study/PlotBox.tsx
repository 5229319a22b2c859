/** A box that holds one Observable Plot figure, redrawn when its maker changes. */
import { useEffect, useRef } from 'react';

export function PlotBox({ make, testId }: { make(): Element; testId: string }) {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    box.current?.replaceChildren(make());
  }, [make]);
  return <div className="study-plot" ref={box} data-testid={testId} />;
}
