import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { PrivacyPage } from '../pages/PrivacyPage';
import { Footer } from './Footer';

const render = (element: Parameters<typeof createElement>[0]) => renderToStaticMarkup(createElement(MemoryRouter, null, createElement(element)));

describe('the footer\'s privacy link', () => {
  it('opens the privacy notice\'s own page (it went to the sign-in page, which sends a signed-in user home)', () => {
    expect(render(Footer)).toContain('<a href="/privacy" data-discover="true">Privacy notice</a>');
    const page = render(PrivacyPage);
    expect(page).toContain('<h1>Privacy notice</h1>');
    expect(page).toContain('What the servers see');
  });
});
