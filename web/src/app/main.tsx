import { render } from 'preact';
import '../shared/base.css';
import './app.css';
import { App } from './app';

render(<App />, document.getElementById('root')!);
