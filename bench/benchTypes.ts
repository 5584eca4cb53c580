/** One measured figure, as `npm run bench` prints and collects them. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
