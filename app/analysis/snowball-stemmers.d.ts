// snowball-stemmers ships no types; this is the part theme coding uses.
declare module 'snowball-stemmers' {
  interface Stemmer {
    stem(word: string): string;
  }
  const stemmers: {
    newStemmer(language: string): Stemmer;
    algorithms(): string[];
  };
  export default stemmers;
}
