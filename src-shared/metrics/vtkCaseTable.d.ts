// vtk.js ships this module without a declaration; only the two accessors Quorum uses are typed.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes/caseTable.js' {
  const caseTable: {
    /** 16 edge ids, triples per triangle, -1 terminated, for a case index over hexahedron-ordered vertices. */
    getCase(index: number): readonly number[];
    /** The two voxel-ordered vertex ids (bit 0 = x, bit 1 = y, bit 2 = z) joined by edge `eid`. */
    getEdge(eid: number): readonly [number, number];
  };
  export default caseTable;
}
