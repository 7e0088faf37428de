import { render } from 'preact';
import '../shared/base.css';
import './ops.css';
import { App } from './app';

render(<App />, document.getElementById('root')!);
