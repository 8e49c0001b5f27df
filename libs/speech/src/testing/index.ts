/** Test helpers for other libs: import from '@lfe/speech/testing'. */
export { FakeRecognizer, type ScriptedUtterance } from './fake-recognizer';
