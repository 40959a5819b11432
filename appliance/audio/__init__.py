"""Audio on the phone lines: DTMF detection, codecs, the prompt library and the sentence grammars."""
